import ArgumentParser
import Foundation
import MediaStore

/// `--library DIR`, shared by the commands that work on a library.
struct LibraryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The library folder (created when missing or empty).", valueName: "DIR"))
    var library: String = ProcessInfo.processInfo.environment["MEDIAKIT_LIBRARY"] ?? ""

    /// Opens the library, or exits with the reason on stderr.
    func open() throws -> Library {
        guard !library.isEmpty else { throw ValidationError("give the library folder with --library DIR (or MEDIAKIT_LIBRARY)") }
        do {
            return try Library(at: library)
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }
}

/// The assets a command acts on, named on the command line.
struct AssetIDArguments: ParsableArguments {
    @Argument(help: "Asset ids, or unique prefixes (6+ characters) of their ids or SHA-256.")
    var ids: [String] = []

    /// The ids, each found in the library (or the command fails naming those that are not).
    func resolve(in lib: Library) throws -> [AssetID] {
        try CLI.assetIDs(ids, in: lib)
    }
}

/// stderr helpers.
enum Terminal {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data("media: \(text)\n".utf8))
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// One JSON object on a line of stdout, keys sorted.
    static func printJSON(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
