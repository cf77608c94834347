import ArgumentParser
import Foundation
import MediaStore

/// `media regenerate-thumbnails --library DIR [--missing]`: previews, thumbnails and ThumbHashes made
/// again, and perceptual hashes and embeddings recorded again.
struct RegenerateThumbnailsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regenerate-thumbnails",
        abstract: "Make the previews, thumbnails and ThumbHashes of the library's photos again from their originals.",
        discussion: """
            Their perceptual hashes (for `media duplicates`) and embeddings (for `media similar`) are recorded \
            again from the same decode. Videos keep their records. A photo whose pixels cannot be decoded is \
            recorded as failed with the reason. Exit status: 0 when every photo was done or skipped, 1 when any failed.
            """
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: ArgumentHelp("Only the photos lacking a preview, thumbnail, ThumbHash, perceptual hash or embedding "
                                          + "(imported without thumbnails or by an older version), or whose preview or thumbnail "
                                          + "failed or is gone from thumbs/."))
    var missing = false

    @Option(name: .long, help: "Photos decoded at a time (default: the number of cores).")
    var jobs: Int?

    @Flag(name: .long, help: "Print one JSON summary object on stdout at the end.")
    var json = false

    func run() async throws {
        let lib = try library.open()
        var options = RegenerateOptions()
        options.onlyMissing = missing
        if let jobs { options.concurrency = max(1, jobs) }
        let display = ProgressDisplay(isTerminal: Terminal.stderrIsTerminal)
        let summary = await lib.regenerateThumbnails(options) { display.show($0) }
        display.finish(summary)
        if json {
            try Terminal.printJSON([
                "regenerated": summary.regenerated, "failed": summary.failed, "skipped": summary.skipped,
                "seconds": (summary.seconds * 1000).rounded() / 1000,
            ])
        }
        if summary.failed > 0 || summary.stoppedBecause != nil { throw ExitCode(1) }
    }
}

extension ProgressDisplay {
    /// A regeneration's events.
    func show(_ event: RegenerateEvent) {
        switch event {
        case .failed(let failure):
            self.failure("\(failure)")
        case .progress(let p):
            progress(processed: p.processed, total: p.total, totalIsFinal: true, perSecond: p.assetsPerSecond,
                     secondsLeft: p.estimatedSecondsLeft, unit: "assets",
                     details: "regenerated \(p.summary.regenerated), skipped \(p.summary.skipped), failed \(p.summary.failed)")
        default:
            break
        }
    }

    /// A regeneration's summary.
    func finish(_ s: RegenerateSummary) {
        finish("regenerated \(s.regenerated), skipped \(s.skipped), failed \(s.failed)", stoppedBecause: s.stoppedBecause,
               seconds: s.seconds, items: s.regenerated + s.skipped + s.failed, unit: "assets")
    }
}
