import ArgumentParser
import Foundation
import MediaStore

/// `media similar --library DIR (ID | FILE) [-k 10] [--json]`: "more like this".
struct SimilarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "The photos that look most like an asset or a file, most alike first.",
        discussion: "With --json, JSON Lines: {\"id\":..,\"filename\":..,\"score\":..} (cosine similarity, 1 = the same look)."
    )

    @OptionGroup var library: LibraryOptions

    @Argument(help: "An asset id (or a unique prefix of its id or SHA-256), or the path of an image file.")
    var target: String

    @Option(name: .short, help: "How many.")
    var k = 10

    @Flag(name: .long, help: "Print JSON Lines.")
    var json = false

    func run() async throws {
        let lib = try library.open()
        let results: [SimilarAsset]
        if FileManager.default.fileExists(atPath: target) {
            results = try lib.similar(toFile: target, k: max(1, k))
        } else {
            results = try lib.similar(to: CLI.assets([target], in: lib)[0].id, k: max(1, k))
        }
        for r in results {
            let score = (Double(r.score) * 10_000).rounded() / 10_000
            if json {
                try Terminal.printJSON(["id": r.asset.id.description, "filename": r.asset.originalFilename, "score": score])
            } else {
                print(String(format: "%.4f  %@  %@", score, r.asset.id.description, r.asset.originalFilename))
            }
        }
    }
}
