import ArgumentParser
import Foundation
import MediaStore

/// `media backup --library DIR --to OUT`: an online backup that is itself a library.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back the library up (online catalog copy plus objects, hard-linked where possible); restore by copying the folder back."
    )

    @OptionGroup var library: LibraryOptions

    @Option(name: .long, help: ArgumentHelp("The backup folder.", valueName: "OUT"))
    var to: String

    func run() async throws {
        let s = try await library.open().backup(to: to)
        Terminal.note("backed up \(s.assets) assets: \(s.objectsWritten) objects written (\(s.objectsLinked) hard links), \(s.objectsPresent) already there")
    }
}
