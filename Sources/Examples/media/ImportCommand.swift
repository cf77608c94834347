import ArgumentParser
import Foundation
import MediaStore

/// `media import --library DIR PATH...`: takes photos and videos into a library.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import photos and videos (folders are walked recursively) into a library.",
        discussion: """
            Safe to interrupt and run again: files already imported are recognised by path, size and \
            modification time. Exit status: 0 when every file was imported or skipped, 1 when any failed.
            """
    )

    @OptionGroup var library: LibraryOptions

    @Flag(help: "What happens to the originals: copied into the library (default), moved into it, or left in place and referenced.")
    var mode: ImportModeFlag = .copy

    @Option(name: .long, help: "Files processed at a time (default: one more than the number of cores).")
    var jobs: Int?

    @Flag(name: .long, help: "Do not make previews, thumbnails and ThumbHashes (hash, store and metadata only).")
    var noThumbnails = false

    @Flag(name: .long, help: "Print one JSON summary object on stdout at the end.")
    var json = false

    @Argument(help: "Files or folders.")
    var paths: [String]

    func run() async throws {
        let lib = try library.open()
        var options = ImportOptions()
        options.mode = mode.mode
        if let jobs { options.concurrency = max(1, jobs) }
        options.makesThumbnails = !noThumbnails
        let display = ProgressDisplay(isTerminal: Terminal.stderrIsTerminal)
        let summary = await lib.import(paths, options: options) { display.show($0) }
        display.finish(summary)
        if json {
            let object: [String: Any] = [
                "imported": summary.imported, "duplicates": summary.duplicates, "skipped": summary.skipped,
                "failed": summary.failed, "thumbnailFailures": summary.thumbnailFailures,
                "seconds": (summary.seconds * 1000).rounded() / 1000,
            ]
            try Terminal.printJSON(object)
        }
        if summary.failed > 0 || summary.stoppedBecause != nil { throw ExitCode(1) }
    }
}

/// The `--copy`, `--move` and `--in-place` flags.
enum ImportModeFlag: String, EnumerableFlag {
    case copy, move, inPlace

    var mode: ImportOptions.Mode {
        switch self {
        case .copy: .copy
        case .move: .move
        case .inPlace: .inPlace
        }
    }
}
