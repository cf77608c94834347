import ArgumentParser
import Foundation
import MediaStore

/// `media album create|ls|show|add|rm|rename|cover|delete`. An album is named by its id or by
/// its name (any case) when no other album has that name.
struct AlbumCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "album",
        abstract: "Make, list, fill and delete albums (ALBUM: an album id, or a name no other album has, any case).",
        subcommands: [Create.self, List.self, Show.self, Add.self, Remove.self, Rename.self, Cover.self, Delete.self]
    )

    /// `media album create NAME [ID...]`: prints the new album's id.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make an album, with these assets in it; prints its id.")

        @OptionGroup var library: LibraryOptions

        @Argument(help: "Its name.")
        var name: String

        @OptionGroup var assets: AssetIDArguments

        func run() async throws {
            let lib = try library.open()
            let ids = assets.ids.isEmpty ? [] : try assets.resolve(in: lib)
            let album = try CLI.sdk { () throws(MediaStoreError) in try lib.createAlbum(name: name, assets: ids) }
            print(album.id)
        }
    }

    /// `media album ls [--json]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the albums by name: id, assets, name.")

        @OptionGroup var library: LibraryOptions

        @Flag(name: .long, help: "JSON Lines: id, name, description, assetCount, coverAssetId, startDate, endDate, createdAt, updatedAt.")
        var json = false

        func run() async throws {
            let lib = try library.open()
            var output = BufferedOutput()
            for album in try CLI.sdk({ () throws(MediaStoreError) in try lib.albums() }) {
                if json {
                    var object: [String: Any] = [
                        "id": album.id.description, "name": album.name, "description": album.description, "assetCount": album.assetCount,
                        "createdAt": CLI.iso(album.createdAt), "updatedAt": CLI.iso(album.updatedAt),
                    ]
                    if let cover = album.coverAssetID { object["coverAssetId"] = cover.description }
                    if let start = album.startDate { object["startDate"] = CLI.iso(start) }
                    if let end = album.endDate { object["endDate"] = CLI.iso(end) }
                    output.write(CLI.json(object))
                } else {
                    output.write("\(album.id)  \(album.assetCount)  \(album.name)")
                }
            }
            output.flush()
        }
    }

    /// `media album show ALBUM [--json]`: its assets, oldest first.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an album's assets (not those in the trash), oldest first, as `media ls` does."
        )

        @OptionGroup var library: LibraryOptions

        @Flag(name: .long, help: "JSON Lines, as `media ls --json`.")
        var json = false

        @OptionGroup var target: AlbumArgument

        func run() async throws {
            let lib = try library.open()
            let album = try target.resolve(in: lib)
            var output = BufferedOutput()
            for asset in try CLI.sdk({ () throws(MediaStoreError) in try lib.assets(inAlbum: album.id) }) {
                output.write(json ? AssetRecord(asset).jsonLine() : CLI.line(asset))
            }
            output.flush()
        }
    }

    /// `media album add ALBUM ID...`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add assets to an album.")

        @OptionGroup var library: LibraryOptions

        @OptionGroup var target: AlbumArgument

        @OptionGroup var assets: AssetIDArguments

        func run() async throws {
            let lib = try library.open()
            let album = try target.resolve(in: lib)
            let ids = try assets.resolve(in: lib)
            let result = try CLI.sdk { () throws(MediaStoreError) in try lib.addAssets(ids, toAlbum: album.id) }
            let added = result.values.filter { $0 == .added }.count
            print(CLI.changed("added", added, of: ids.count, " to \(album.name)"))
            let refused = ids.filter { result[$0] == .notFound }
            for id in refused { Terminal.error("asset \(id) is not one of the album owner's") }
            if !refused.isEmpty { throw ExitCode(1) }
        }
    }

    /// `media album rm ALBUM ID...`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Take assets out of an album (they stay in the library).")

        @OptionGroup var library: LibraryOptions

        @OptionGroup var target: AlbumArgument

        @OptionGroup var assets: AssetIDArguments

        func run() async throws {
            let lib = try library.open()
            let album = try target.resolve(in: lib)
            let ids = try assets.resolve(in: lib)
            let removed = try CLI.sdk { () throws(MediaStoreError) in try lib.removeAssets(ids, fromAlbum: album.id) }
            print(CLI.changed("removed", removed.count, of: ids.count, " from \(album.name)"))
        }
    }

    /// `media album rename ALBUM NAME`.
    struct Rename: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename an album.")

        @OptionGroup var library: LibraryOptions

        @OptionGroup var target: AlbumArgument

        @Argument(help: "The new name.")
        var name: String

        func run() async throws {
            let lib = try library.open()
            let album = try target.resolve(in: lib)
            let renamed = try CLI.sdk { () throws(MediaStoreError) in try lib.updateAlbum(album.id, name: name) }
            print("renamed \(album.name) to \(renamed.name)")
        }
    }

    /// `media album cover ALBUM ID`.
    struct Cover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Choose the asset shown for an album (one of its assets).")

        @OptionGroup var library: LibraryOptions

        @OptionGroup var target: AlbumArgument

        @Argument(help: "An asset of the album: its id, or a unique prefix of its id or SHA-256.")
        var id: String

        func run() async throws {
            let lib = try library.open()
            let album = try target.resolve(in: lib)
            guard let asset = try CLI.assetIDs([id], in: lib).first else { return }
            try CLI.sdk { () throws(MediaStoreError) in try lib.updateAlbum(album.id, cover: .some(asset)) }
            print("\(album.name) shows \(asset)")
        }
    }

    /// `media album delete ALBUM`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an album (its assets stay in the library).")

        @OptionGroup var library: LibraryOptions

        @OptionGroup var target: AlbumArgument

        func run() async throws {
            let lib = try library.open()
            let album = try target.resolve(in: lib)
            guard try CLI.sdk({ () throws(MediaStoreError) in try lib.deleteAlbum(album.id) }) else {
                throw CLI.fail("no album \(album.id)")
            }
            print("deleted the album \(album.name)")
        }
    }
}

/// The album a command acts on, named on the command line.
struct AlbumArgument: ParsableArguments {
    @Argument(help: "The album: its id, or its name.")
    var album: String

    /// The album, found in the library (or the command fails naming it).
    func resolve(in lib: Library) throws -> Album {
        try CLI.album(album, in: lib)
    }
}
