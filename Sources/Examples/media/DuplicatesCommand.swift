import ArgumentParser
import Foundation
import MediaStore

/// `media duplicates --library DIR [--json] [--rescan]`: the near-duplicate groups.
struct DuplicatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "List photos stored more than once in different forms (resized, recompressed, converted, stripped).",
        discussion: """
            One group per line, the suggested keeper first. With --json, JSON Lines: \
            {"assets":[{"id":..,"filename":..},...],"keep":id}. Pairs are found during imports; --rescan finds them \
            again from the stored hashes first.
            """
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Print JSON Lines.")
    var json = false

    @Flag(name: .long, help: "Find every pair again from the stored perceptual hashes first.")
    var rescan = false

    func run() async throws {
        let lib = try library.open()
        if rescan { try lib.rescanNearDuplicates() }
        for group in try lib.nearDuplicateGroups() {
            if json {
                try Terminal.printJSON([
                    "assets": group.assets.map { ["id": $0.id.description, "filename": $0.originalFilename] },
                    "keep": group.keep.description,
                ])
            } else {
                print(group.assets.map { "\($0.id == group.keep ? "keep" : "    ") \($0.id)  \($0.originalFilename)" }
                    .joined(separator: "\n") + "\n")
            }
        }
    }
}
