import ArgumentParser
import Foundation
import MediaStore

/// `media rate ID... N [--clear]`.
struct RateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate",
        abstract: "Rate assets from -1 (rejected) to 5 stars (--clear: remove the rating).",
        discussion: "Edits by hand are kept in the catalog and the XMP sidecar, never in the original, and survive `media reread`."
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Remove the rating (then give only ids).")
    var clear = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Asset ids (or unique prefixes), then the rating.", valueName: "ID... N"))
    var words: [String] = []

    func run() async throws {
        let (texts, value) = try EditWords.split(words, clear: clear, valueName: "N")
        var rating: Int?
        if let value {
            guard let n = Int(value) else { throw CLI.fail("a rating is a whole number from -1 (rejected) to 5, not '\(value)'") }
            rating = n
        }
        try EditWords.apply(.rating(rating), to: texts, library, verb: clear ? "cleared the rating of" : "rated")
    }
}

/// `media describe ID... TEXT [--clear]`.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Give assets a description (caption); --clear removes it.",
        discussion: "Edits by hand are kept in the catalog and the XMP sidecar, never in the original, and survive `media reread`."
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Remove the description (then give only ids).")
    var clear = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Asset ids (or unique prefixes), then the text (quoted).", valueName: "ID... TEXT"))
    var words: [String] = []

    func run() async throws {
        let (texts, value) = try EditWords.split(words, clear: clear, valueName: "TEXT")
        try EditWords.apply(.description(value), to: texts, library, verb: clear ? "cleared the description of" : "described")
    }
}

/// `media set-date ID... DATETIME`.
struct SetDateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-date",
        abstract: "Set when assets were taken: YYYY-MM-DDTHH:MM:SS[.fff][±HH:MM], or shift it: ±1d2h30m15s.",
        discussion: """
            The local wall-clock time where they were taken; without an offset, the offset of the time zone of each \
            asset's position (none when it has no position). A shift (+1h, -30m, +1d2h: a camera whose clock was \
            wrong) moves each asset's own time and keeps its offset; assets without a time are left out. Edits by \
            hand survive `media reread`.
            """
    )

    @OptionGroup var library: LibraryOptions

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Asset ids (or unique prefixes), then the date and time or a shift.",
                                                            valueName: "ID... (DATETIME | ±SHIFT)"))
    var words: [String] = []

    func run() async throws {
        let (texts, value) = try EditWords.split(words, clear: false, valueName: "DATETIME")
        if let seconds = CLI.shift(value ?? "") {
            try EditWords.apply(.shiftCapturedAt(seconds: seconds), to: texts, library, verb: "shifted")
            return
        }
        let date = try CLI.dateTime(value ?? "")
        try EditWords.apply(.capturedAt(date.local, offsetSeconds: date.offsetSeconds), to: texts, library, verb: "dated")
    }
}

/// `media set-location ID... LAT,LON [--clear]`.
struct SetLocationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set-location",
        abstract: "Set where assets were taken: LAT,LON in decimal degrees (--clear: remove the position).",
        discussion: "The place (city, region, country) is named again from the new position. Edits by hand survive `media reread`."
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Remove the position and its place (then give only ids).")
    var clear = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Asset ids (or unique prefixes), then the position.", valueName: "ID... LAT,LON"))
    var words: [String] = []

    func run() async throws {
        let (texts, value) = try EditWords.split(words, clear: clear, valueName: "LAT,LON")
        let location = try value.map { v in let p = try CLI.position(v); return GPSLocation(latitude: p.latitude, longitude: p.longitude) }
        try EditWords.apply(.location(location), to: texts, library, verb: clear ? "cleared the position of" : "located")
    }
}

/// `ID... VALUE` on the command line (a value may start with `-`: `rate ID -1`), and the edit.
enum EditWords {
    /// The ids and the value (the last word); with `clear`, every word is an id.
    static func split(_ words: [String], clear: Bool, valueName: String) throws -> (ids: [String], value: String?) {
        var words = words
        if let end = words.firstIndex(of: "--") { words.remove(at: end) }  // the end of options
        // A misspelt option would otherwise pass for an id or a value.
        let looksLikeOption = { (word: String) -> Bool in
            let name = word.dropFirst(2).prefix { $0 != "=" }
            return word.hasPrefix("--") && name.first?.isLetter == true && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
        if let option = words.first(where: looksLikeOption) {
            throw CLI.fail("unknown option '\(option)'")
        }
        if clear {
            guard !words.isEmpty else { throw CLI.fail("name at least one asset") }
            return (words, nil)
        }
        guard words.count >= 2, let value = words.last else { throw CLI.fail("give one or more asset ids, then \(valueName)") }
        return (Array(words.dropLast()), value)
    }

    /// Resolves every id first (an unknown one changes nothing), then edits them in one call.
    static func apply(_ edit: AssetEdit, to texts: [String], _ library: LibraryOptions, verb: String) throws {
        let lib = try library.open()
        let ids = try CLI.assetIDs(texts, in: lib)
        let changed = try CLI.sdk { () throws(MediaStoreError) in try lib.edit(ids, [edit]) }
        print(CLI.changed(verb, changed.count, of: ids.count))
    }
}

/// `media reread (ID... | --all)`: read the originals' metadata again, keeping edits.
struct RereadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reread",
        abstract: "Read the metadata of originals again (after MediaKit learned more, or a file changed), keeping edits by hand.",
        discussion: "A file that cannot be read is named on stderr, the others go on, and the exit status is 1."
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Every asset (trashed, archived and hidden included).")
    var all = false

    @OptionGroup var assets: AssetIDArguments

    func run() async throws {
        guard all != !assets.ids.isEmpty else { throw CLI.fail("give asset ids or --all") }
        let lib = try library.open()
        var ids: [AssetID] = []
        if all {
            var query = AssetQuery()
            query.visibility = Set(AssetVisibility.allCases)
            query.trash = .include
            try lib.eachAsset(query) { ids.append($0.id) }
        } else {
            ids = try assets.resolve(in: lib)
        }
        // One call per asset: the SDK's call stops at the first file it cannot read.
        var done = 0, failed = 0
        for id in ids {
            do {
                done += try lib.rereadMetadata([id]).count
            } catch {
                Terminal.error("\(error)")
                failed += 1
            }
        }
        print("read \(CLI.count(done)) again" + (failed > 0 ? ", \(failed) failed" : ""))
        if failed > 0 { throw ExitCode(1) }
    }
}

/// `media sidecars`: write every XMP sidecar again.
struct SidecarsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sidecars",
        abstract: "Write the XMP sidecar of every organised asset again (edits, tags, favourites, visibility), under sidecars/."
    )

    @OptionGroup var library: LibraryOptions

    func run() async throws {
        let lib = try library.open()
        let written = try CLI.sdk { () throws(MediaStoreError) in try lib.rewriteSidecars() }
        print("wrote \(CLI.count(written, "sidecar"))")
    }
}
