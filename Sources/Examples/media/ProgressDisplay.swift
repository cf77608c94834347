import Foundation
import MediaStore
import Synchronization

/// Shows a long run's progress on stderr: a bar redrawn in place on a terminal, a plain line
/// every few seconds otherwise (logs, CI); failures as they happen; a summary at the end.
final class ProgressDisplay: Sendable {
    let isTerminal: Bool
    private let lastLine = Mutex(Date.distantPast)

    init(isTerminal: Bool) { self.isTerminal = isTerminal }

    /// A failure, on a line of its own.
    func failure(_ text: String) {
        write((isTerminal ? "\r\u{1B}[K" : "") + "failed: \(text)\n")
    }

    /// The bar, or a `progress:` line, when one is due.
    /// - Parameters:
    ///   - processed: Items done.
    ///   - total: Items in all, so far; `totalIsFinal` when no more will be found.
    ///   - details: The counts so far, for the plain line.
    func progress(processed: Int, total: Int, totalIsFinal: Bool, perSecond: Double, secondsLeft: Double?, unit: String,
                  details: @autoclosure () -> String) {
        let due = lastLine.withLock { last -> Bool in
            let interval = isTerminal ? 0.1 : 5
            guard Date().timeIntervalSince(last) >= interval else { return false }
            last = Date()
            return true
        }
        guard due else { return }
        var counts = "\(processed)/\(total)\(totalIsFinal ? "" : "+") \(unit), \(String(format: "%.1f", perSecond)) \(unit)/s"
        if let secondsLeft { counts += ", ETA \(Self.duration(secondsLeft))" }
        if isTerminal {
            let width = 30
            let fraction = total > 0 ? min(1, Double(processed) / Double(total)) : 0
            let filled = Int(fraction * Double(width))
            write("\r\u{1B}[K[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] " + counts)
        } else {
            write("progress: " + counts + ", " + details() + "\n")
        }
    }

    /// The summary line (clearing the bar).
    func finish(_ summary: String, stoppedBecause: String?, seconds: Double, items: Int, unit: String) {
        var text = (isTerminal ? "\r\u{1B}[K" : "") + summary + " in \(String(format: "%.2f", seconds)) s"
        if seconds > 0 { text += String(format: " (%.1f \(unit)/s)", Double(items) / seconds) }
        if let reason = stoppedBecause { text += "\nstopped early: \(reason)" }
        write(text + "\n")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

extension ProgressDisplay {
    /// An import's events.
    func show(_ event: ImportEvent) {
        switch event {
        case .failed(let failure):
            self.failure("\(failure)")
        case .progress(let p):
            progress(processed: p.processed, total: p.found, totalIsFinal: p.walkFinished, perSecond: p.filesPerSecond,
                     secondsLeft: p.estimatedSecondsLeft, unit: "files",
                     details: "imported \(p.summary.imported), duplicates \(p.summary.duplicates), failed \(p.summary.failed)")
        default:
            break
        }
    }

    /// An import's summary.
    func finish(_ s: ImportSummary) {
        var text = "imported \(s.imported)"
        if s.thumbnailFailures > 0 { text += " (\(s.thumbnailFailures) without thumbnails)" }
        text += ", duplicates \(s.duplicates), skipped \(s.skipped)"
        if s.unchanged > 0 { text += " (\(s.unchanged) unchanged)" }
        text += ", failed \(s.failed)"
        finish(text, stoppedBecause: s.stoppedBecause, seconds: s.seconds, items: s.imported + s.duplicates + s.skipped + s.failed,
               unit: "files")
    }
}
