import ArgumentParser
import Foundation
import MediaStore

/// `media ls --library DIR [--json]`: every asset, one per line.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the assets of a library, in import order.")

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "JSON Lines: id, sha256, filename, capturedAt, width, height, format, size.")
    var json = false

    func run() async throws {
        let lib = try library.open()
        var output = BufferedOutput()
        try lib.forEachAsset { asset in
            if json {
                output.write(AssetRecord(asset).jsonLine())
            } else {
                let a = asset, m = asset.metadata
                let size = m.width.flatMap { w in m.height.map { "\(w)x\($0)" } } ?? "-"
                output.write("\(a.id)  \(m.capturedAt?.text ?? "-")  \(m.format.rawValue)  \(size)  \(a.originalFilename)")
            }
            return true
        }
        output.flush()
    }
}
