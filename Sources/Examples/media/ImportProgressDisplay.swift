import Foundation
import MediaStore
import Synchronization

/// Shows an import's progress on stderr: a bar redrawn in place on a terminal, a plain line
/// every few seconds otherwise (logs, CI); failures as they happen; a summary at the end.
final class ImportProgressDisplay: Sendable {
    let isTerminal: Bool
    private let lastLine = Mutex(Date.distantPast)

    init(isTerminal: Bool) { self.isTerminal = isTerminal }

    func show(_ event: ImportEvent) {
        switch event {
        case .failed(let failure):
            write((isTerminal ? "\r\u{1B}[K" : "") + "failed: \(failure)\n")
        case .progress(let p):
            let due = lastLine.withLock { last -> Bool in
                let interval = isTerminal ? 0.1 : 5
                guard Date().timeIntervalSince(last) >= interval else { return false }
                last = Date()
                return true
            }
            if due { write(isTerminal ? "\r\u{1B}[K" + bar(p) : line(p) + "\n") }
        default:
            break
        }
    }

    func finish(_ s: ImportSummary) {
        var text = isTerminal ? "\r\u{1B}[K" : ""
        text += "imported \(s.imported), duplicates \(s.duplicates), skipped \(s.skipped)"
        if s.unchanged > 0 { text += " (\(s.unchanged) unchanged)" }
        text += ", failed \(s.failed) in \(String(format: "%.2f", s.seconds)) s"
        if s.seconds > 0 { text += String(format: " (%.1f files/s)", Double(s.imported + s.duplicates + s.skipped + s.failed) / s.seconds) }
        if let reason = s.stoppedBecause { text += "\nstopped early: \(reason)" }
        write(text + "\n")
    }

    private func counts(_ p: ImportProgress) -> String {
        let total = p.walkFinished ? "\(p.found)" : "\(p.found)+"
        var text = "\(p.processed)/\(total) files, \(String(format: "%.1f", p.filesPerSecond)) files/s"
        if let eta = p.estimatedSecondsLeft { text += ", ETA \(Self.duration(eta))" }
        return text
    }

    private func bar(_ p: ImportProgress) -> String {
        let width = 30
        let fraction = p.found > 0 ? min(1, Double(p.processed) / Double(p.found)) : 0
        let filled = Int(fraction * Double(width))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + counts(p)
    }

    private func line(_ p: ImportProgress) -> String {
        "progress: " + counts(p) + ", imported \(p.summary.imported), duplicates \(p.summary.duplicates), failed \(p.summary.failed)"
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
