import ArgumentParser
import Foundation
import MediaStore

/// `media favorite ID... [--off]`: mark assets as favourites, or not.
struct FavoriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "favorite", abstract: "Mark assets as favourites (--off: unmark them).")

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Take the mark off.")
    var off = false

    @OptionGroup var assets: AssetIDArguments

    func run() async throws {
        let lib = try library.open()
        let ids = try assets.resolve(in: lib)
        let changed = try CLI.sdk { () throws(MediaStoreError) in try lib.setFavorite(ids, !off) }
        print(CLI.changed(off ? "unmarked" : "marked", changed.count, of: ids.count))
    }
}

/// `media archive ID... [--off]`: out of the timeline (still in albums and searches), or back.
struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Archive assets: out of the timeline, still in albums and `search --archived` (--off: back to the timeline)."
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Put archived assets back in the timeline.")
    var off = false

    @OptionGroup var assets: AssetIDArguments

    func run() async throws {
        try VisibilityChange.run(library, assets.ids, .archive, off: off, verb: ("archived", "unarchived"))
    }
}

/// `media hide ID... [--off]`: shown only when asked for, or back in the timeline.
struct HideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hide",
        abstract: "Hide assets: shown only by `ls --hidden` and `search --hidden` (--off: back to the timeline)."
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Put hidden assets back in the timeline.")
    var off = false

    @OptionGroup var assets: AssetIDArguments

    func run() async throws {
        try VisibilityChange.run(library, assets.ids, .hidden, off: off, verb: ("hid", "unhid"))
    }
}

/// What `archive` and `hide` share. `--off` acts only on the assets that have that visibility
/// (unhiding an archived asset leaves it archived).
enum VisibilityChange {
    static func run(_ library: LibraryOptions, _ texts: [String], _ visibility: AssetVisibility, off: Bool,
                    verb: (on: String, off: String)) throws {
        let lib = try library.open()
        let assets = try CLI.assets(texts, in: lib)
        let ids = (off ? assets.filter { $0.visibility == visibility } : assets).map(\.id)
        let changed = try CLI.sdk { () throws(MediaStoreError) in try lib.setVisibility(ids, off ? .timeline : visibility) }
        print(CLI.changed(off ? verb.off : verb.on, changed.count, of: assets.count))
    }
}
