import ArgumentParser
import Foundation
import MediaStore

/// `media ls --library DIR [--archived | --hidden | --trashed | --all] [--json]`: the timeline's
/// assets (or another scope's), one per line.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the assets of the timeline, newest first (not archived, hidden or trashed ones unless asked)."
    )

    @OptionGroup var library: LibraryOptions

    @OptionGroup var scope: ScopeOptions

    @Flag(name: .long, help: "JSON Lines: id, sha256, filename, capturedAt, width, height, format, size.")
    var json = false

    func run() async throws {
        let lib = try library.open()
        var query = AssetQuery()
        scope.apply(to: &query)
        var output = BufferedOutput()
        try lib.eachAsset(query) { asset in
            output.write(json ? AssetRecord(asset).jsonLine() : CLI.line(asset))
        }
        output.flush()
    }
}
