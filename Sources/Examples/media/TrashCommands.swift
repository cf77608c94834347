import ArgumentParser
import Foundation
import MediaStore

/// `media trash ID...`: to the trash (`media ls --trashed` lists it).
struct TrashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trash",
        abstract: "Move assets to the trash: out of the timeline, albums and searches until restored or purged.",
        discussion: "`media ls --trashed` lists the trash; `media restore` takes assets back out; `media purge` empties it."
    )

    @OptionGroup var library: LibraryOptions

    @OptionGroup var assets: AssetIDArguments

    func run() async throws {
        let lib = try library.open()
        let ids = try assets.resolve(in: lib)
        let moved = try CLI.sdk { () throws(MediaStoreError) in try lib.trash(ids) }
        print(CLI.changed("moved", moved, of: ids.count, " to the trash"))
    }
}

/// `media restore ID...`: out of the trash, back where they were.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Take assets out of the trash, back where they were (timeline, albums, searches)."
    )

    @OptionGroup var library: LibraryOptions

    @OptionGroup var assets: AssetIDArguments

    func run() async throws {
        let lib = try library.open()
        let ids = try assets.resolve(in: lib)
        let restored = try CLI.sdk { () throws(MediaStoreError) in try lib.restore(ids) }
        print(CLI.changed("restored", restored.count, of: ids.count))
    }
}

/// `media purge [ID...] [--expired] [--json]`: remove assets in the trash for good.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Remove assets in the trash for good (no ids: the whole trash).",
        discussion: """
            An original is deleted once no asset refers to it (originals imported in place never are). \
            --expired removes what has been in the trash longer than the retention (30 days), of every user. \
            Prints how many assets and objects went and the bytes freed; with --json, \
            {"assets":n,"objects":n,"bytes":n}.
            """
    )

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "Only what has been in the trash longer than the retention, of every user.")
    var expired = false

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Argument(help: "Assets in the trash (ids or unique prefixes); none: the whole trash.")
    var ids: [String] = []

    func run() async throws {
        if expired, !ids.isEmpty { throw CLI.fail("give asset ids or --expired, not both") }
        let lib = try library.open()
        let ids = self.ids.isEmpty ? nil : try CLI.assetIDs(self.ids, in: lib)
        let summary = try CLI.sdk { () throws(MediaStoreError) in
            expired ? try lib.purgeExpiredTrash() : try lib.purgeTrash(ids)
        }
        if json {
            print(CLI.json(["assets": summary.assets, "objects": summary.objects, "bytes": summary.bytes]))
        } else {
            let freed = summary.bytes < 1000 ? "\(summary.bytes) bytes"
                : "\(ByteCountFormatter.string(fromByteCount: summary.bytes, countStyle: .file)) (\(summary.bytes) bytes)"
            print("purged \(CLI.count(summary.assets)), deleted \(CLI.count(summary.objects, "original")), freed \(freed)")
            if let ids, summary.assets < ids.count { Terminal.note("\(ids.count - summary.assets) of the assets named were not in the trash") }
        }
    }
}
