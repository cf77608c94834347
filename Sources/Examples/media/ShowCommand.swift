import ArgumentParser
import Foundation
import MediaStore

/// `media show --library DIR ID [--json]`: everything the catalog knows about one asset.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one asset (by id, or a unique prefix of its id or SHA-256).")

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    @Argument(help: "Asset id, or a unique prefix (6+ characters) of its id or SHA-256.")
    var id: String

    func run() async throws {
        let lib = try library.open()
        let asset = try CLI.assets([id], in: lib)[0]
        let line = AssetRecord(asset, tags: try lib.tags(of: asset.id)).detailedJSONLine()
        if json {
            print(line)
        } else if let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
            for key in object.keys.sorted() { print("\(key.padding(toLength: 18, withPad: " ", startingAt: 0)) \(object[key] ?? "")") }
        }
    }
}
