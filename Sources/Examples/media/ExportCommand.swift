import ArgumentParser
import Foundation
import MediaStore

/// `media export --library DIR --to OUT [--template T]`: the way out.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the originals as an ordinary folder tree, with an XMP sidecar each (hard links where possible)."
    )

    @OptionGroup var library: LibraryOptions

    @Option(name: .long, help: ArgumentHelp("The target folder.", valueName: "OUT"))
    var to: String

    @Option(name: .long, help: "Path of each original under OUT; tokens {yyyy} {yy} {MM} {dd} {HH} {mm} {ss} {filename} {name} {ext} {id} {sha256} {make} {model} {kind}.")
    var template = "{yyyy}/{MM}/{filename}"

    @Flag(name: .long, help: "Do not write XMP sidecars.")
    var noSidecars = false

    func run() async throws {
        let lib = try library.open()
        var options = ExportOptions()
        options.template = template
        options.writesSidecars = !noSidecars
        let s = try await lib.export(to: to, options: options)
        for failure in s.failures { Terminal.error("export failed: \(failure)") }
        Terminal.note("exported \(s.exported) (\(s.linked) hard links), \(s.unchanged) already there, \(s.renamed) renamed, \(s.sidecars) sidecars, \(s.failures.count) failed")
        if !s.failures.isEmpty { throw ExitCode(1) }
    }
}
