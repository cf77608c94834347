import ArgumentParser
import Foundation
import MediaStore

/// `media verify --library DIR [--deep]`: checks originals against the catalog.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every asset has its original with the recorded size (and hash, with --deep) and no object is orphaned.",
        discussion: "Exit status: 0 only when the library is clean; every problem is printed."
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Re-hash every original.")
    var deep = false

    func run() async throws {
        let lib = try library.open()
        let report = try await lib.verify(deep: deep) { problem in print("problem: \(problem)") }
        Terminal.note("checked \(report.assetsChecked) assets and \(report.objectsChecked) objects\(deep ? " (hashes too)" : ""): "
            + (report.isClean ? "clean" : "\(report.problems.count) problems"))
        if !report.isClean { throw ExitCode(1) }
    }
}
