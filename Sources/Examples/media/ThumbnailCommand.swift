import ArgumentParser
import Foundation
import MediaStore

/// `media thumbnail --library DIR ID [--size thumbnail|preview] -o FILE`: a derived file of an asset.
struct ThumbnailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thumbnail",
        abstract: "Write an asset's thumbnail (WebP, 250 px) or preview (JPEG, 1440 px) to a file."
    )

    @OptionGroup var library: LibraryOptions

    @Option(name: .long, help: "thumbnail or preview.")
    var size: String = "thumbnail"

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write it.", valueName: "FILE"))
    var output: String

    @Argument(help: "Asset id, or a unique prefix (6+ characters) of its id or SHA-256.")
    var id: String

    func run() async throws {
        guard let kind = DerivedFile.Kind(rawValue: size) else { throw ValidationError("--size is thumbnail or preview") }
        let lib = try library.open()
        let asset = try CLI.assets([id], in: lib)[0]
        guard let file = try lib.derivedFiles(of: asset.id).first(where: { $0.kind == kind }) else {
            Terminal.error("asset \(asset.id) has no \(kind.rawValue) (imported without thumbnails?)")
            throw ExitCode(1)
        }
        guard file.status == .ready, let source = lib.path(of: file) else {
            Terminal.error("asset \(asset.id) has no \(kind.rawValue): \(file.status.rawValue): \(file.error ?? "")")
            throw ExitCode(1)
        }
        try FileManager.default.copyItem(atPath: source, toPath: output)
    }
}
