import Foundation
import GRDB
import Testing
@testable import MediaStore

/// Organising a library: favourites, archive and hidden out of the timeline, the trash with
/// restore and purge (an object shared with another owner's asset survives), edits kept and
/// locked against a new reading of the file and written to XMP sidecars, hierarchical tags,
/// album changes, and the searches they feed.
@Suite struct LibraryOrganizeTests {
    /// A library with `count` imported JPEGs (EXIF dates 2021-04-0n, offset -05:00) of the
    /// default owner; returns their ids in file order.
    static func library(_ dir: TemporaryFolder, count: Int, configuration: LibraryConfiguration = LibraryConfiguration()) async throws -> (Library, [AssetID]) {
        let library = try Library(at: dir.sub("library"), configuration: configuration)
        var paths: [String] = []
        for n in 0..<count {
            paths.append(try dir.write("photos/IMG_\(1000 + n).JPG", JPEGFixture.make(date: "2021:04:0\(1 + n % 9) 12:00:00", salt: "photo \(n)")))
        }
        var options = ImportOptions()
        options.makesThumbnails = false
        let summary = await library.import(paths, options: options)
        #expect(summary.imported == count)
        var ids: [AssetID] = []
        for path in paths {
            let id = try #require(try library.search(AssetQuery(), limit: 1000).assets.first { $0.sourcePath == path }?.id)
            ids.append(id)
        }
        return (library, ids)
    }

    static func everything() -> AssetQuery {
        var q = AssetQuery()
        q.visibility = Set(AssetVisibility.allCases)
        q.trash = .include
        return q
    }

    @Test func favouritesArchiveAndHiddenLeaveTheTimelineButNotTheLibrary() async throws {
        let dir = try TemporaryFolder()
        let (library, ids) = try await Self.library(dir, count: 6)
        #expect(try library.setFavorite([ids[0], ids[1]], true) == [ids[0], ids[1]])
        #expect(try library.setFavorite([ids[0]], true).isEmpty, "already a favourite: nothing changes")
        #expect(try library.setVisibility([ids[2]], .archive) == [ids[2]])
        #expect(try library.setVisibility([ids[3]], .hidden) == [ids[3]])
        let bob = try library.addUser(name: "bob")
        #expect(try library.setFavorite([ids[4]], true, owner: bob.id).isEmpty, "another user's asset is passed over")

        var favourites = AssetQuery()
        favourites.isFavorite = true
        #expect(Set(try library.search(favourites).assets.map(\.id)) == [ids[0], ids[1]])
        let timeline = Set(try library.search(AssetQuery(), limit: 1000).assets.map(\.id))
        #expect(timeline == Set(ids).subtracting([ids[2], ids[3]]))
        #expect(try library.timeline().reduce(0) { $0 + $1.count } == 4)
        var archived = AssetQuery()
        archived.visibility = [.archive]
        #expect(try library.search(archived).assets.map(\.id) == [ids[2]])
        #expect(try library.setVisibility([ids[2], ids[3]], .timeline).count == 2)
        #expect(try library.timeline().reduce(0) { $0 + $1.count } == 6)
    }

    @Test func trashRestoreAndPurgeKeepAnObjectAnotherAssetShares() async throws {
        let dir = try TemporaryFolder()
        let (library, ids) = try await Self.library(dir, count: 3)
        let shared = try #require(try library.asset(ids[0]))
        // Bob has the same bytes: one object, two assets.
        let bob = try library.addUser(name: "bob")
        var options = ImportOptions()
        options.owner = bob.id
        options.makesThumbnails = false
        let copy = try dir.write("bob/same.jpg", [UInt8](try Data(contentsOf: URL(fileURLWithPath: try library.originalFile(of: shared)))))
        #expect(await library.import([copy], options: options).imported == 1)
        let bobs = try #require(try library.search(AssetQuery(), owner: bob.id).assets.first)
        #expect(bobs.hash.sha256 == shared.hash.sha256)
        let object = try #require(library.blobs.localPath(of: shared.hash.sha256))

        #expect(try library.trash([ids[0], ids[1]]) == 2)
        #expect(try library.search(AssetQuery()).assets.map(\.id) == [ids[2]])
        #expect(Set(try library.trashedAssets().map(\.id)) == [ids[0], ids[1]])
        #expect(try library.restore([ids[1], ids[2]]) == [ids[1]], "only what is in the trash comes back")
        #expect(try library.purgeTrash([ids[2]]).assets == 0, "an asset not in the trash is never purged")

        // Purging Alice's copy leaves Bob's asset and the object they share.
        let first = try library.purgeTrash()
        #expect(first.assets == 1 && first.objects == 0)
        #expect(try library.asset(ids[0]) == nil && FileManager.default.fileExists(atPath: object))
        #expect(try library.asset(bobs.id) != nil)
        #expect(try await library.verify(deep: true).problems.isEmpty)
        // Once Bob's goes too, so does the object; the other originals stay.
        #expect(try library.trash([bobs.id], owner: bob.id) == 1)
        let second = try library.purgeTrash(owner: bob.id)
        #expect(second.assets == 1 && second.objects == 1 && second.bytes == shared.size)
        #expect(!FileManager.default.fileExists(atPath: object))
        #expect(try await library.verify(deep: true).problems.isEmpty)
        #expect(try library.statistics().assets == 2)
        // An original already missing from disk does not stop its purge.
        let lost = try #require(try library.asset(ids[2]))
        let lostObject = try #require(library.blobs.localPath(of: lost.hash.sha256))
        chmod((lostObject as NSString).deletingLastPathComponent, 0o755)
        try FileManager.default.removeItem(atPath: (lostObject as NSString).deletingLastPathComponent)
        #expect(try library.trash([ids[2]]) == 1)
        #expect(try library.purgeTrash().assets == 1)
        // The purged file can be imported again (its source record went with it).
        var again = ImportOptions()
        again.makesThumbnails = false
        #expect(await library.import([dir.sub("photos/IMG_1000.JPG")], options: again).imported == 1)
    }

    @Test func theTrashEmptiesItselfAfterTheRetentionPeriod() async throws {
        let dir = try TemporaryFolder()
        var configuration = LibraryConfiguration()
        configuration.trashRetentionDays = 30
        let (library, ids) = try await Self.library(dir, count: 3, configuration: configuration)
        #expect(try library.trash([ids[0], ids[1]]) == 2)
        #expect(try library.purgeExpiredTrash(now: Date().addingTimeInterval(29 * 86_400)).assets == 0)
        #expect(try library.purgeExpiredTrash(now: Date().addingTimeInterval(31 * 86_400)).assets == 2)
        #expect(try library.statistics().assets == 1)
    }

    @Test func editsSurviveReadingTheFileAgainAndGoToTheSidecar() async throws {
        let dir = try TemporaryFolder()
        let (library, ids) = try await Self.library(dir, count: 2)
        let id = ids[0]
        let before = try #require(try library.asset(id))
        #expect(before.metadata.capturedAt?.text == "2021-04-01T12:00:00-05:00")
        let taken = try #require(LocalDateTime(parsing: "2019-07-14T20:41:00"))
        try library.edit([id], [.rating(4), .description("  Sunset over the Tagus "), .capturedAt(taken, offsetSeconds: nil),
                                .location(GPSLocation(latitude: 38.6916, longitude: -9.2160))])
        try library.tag([id], with: ["travel/portugal/lisbon", " people / Ana "])
        try library.setFavorite([id], true)
        #expect(try library.editedFields(of: id) == [.rating, .description, .capturedAt, .location])

        let edited = try #require(try library.asset(id))
        #expect(edited.metadata.rating == 4 && edited.metadata.caption == "Sunset over the Tagus")
        // No offset given: Lisbon's in July (summer time), from the new position.
        #expect(edited.metadata.capturedAt?.text == "2019-07-14T20:41:00+01:00")
        #expect(edited.metadata.capturedAt?.instant == Date(timeIntervalSince1970: 1_563_133_260))
        #expect(edited.place?.countryCode == "PT" && edited.place?.country == "Portugal")
        #expect(try library.tags(of: id) == ["people/Ana", "travel/portugal/lisbon"])

        // Reading the file again refreshes what was not edited and keeps what was.
        let pool = try #require(library.catalog as? SQLiteCatalog).pool
        try await pool.write { db in try db.execute(sql: "UPDATE assets SET make = 'Wrong', rating = 1 WHERE id = ?", arguments: [ids[1].description]) }
        try await pool.write { db in try db.execute(sql: "UPDATE assets SET make = 'Wrong' WHERE id = ?", arguments: [id.description]) }
        #expect(try library.rereadMetadata([id, ids[1]]) == [id, ids[1]])
        let reread = try #require(try library.asset(id))
        #expect(reread.metadata.make == "MediaKit", "an unedited field comes from the file again")
        #expect(reread.metadata.rating == 4 && reread.metadata.caption == "Sunset over the Tagus")
        #expect(reread.metadata.capturedAt == edited.metadata.capturedAt && reread.metadata.location == edited.metadata.location)
        let other = try #require(try library.asset(ids[1]))
        #expect(other.metadata.make == "MediaKit" && other.metadata.rating == nil, "without an edit, the file wins")

        // The sidecar holds the edits in the standard namespaces.
        let sidecar = library.sidecarPath(of: id)
        let xmp = try String(contentsOfFile: sidecar, encoding: .utf8)
        for needle in ["<xmp:Rating>4</xmp:Rating>", "Sunset over the Tagus", "travel|portugal|lisbon", "<rdf:li>lisbon</rdf:li>",
                       "2019-07-14T20:41:00+01:00", "38,41.496", "9,12.96", "W", "<mediakit:Favorite>True</mediakit:Favorite>"] {
            #expect(xmp.contains(needle), "\(needle) in \(xmp)")
        }
        // Clearing an edit writes the sidecar again; an invalid edit changes nothing.
        try library.edit([id], [.rating(nil)])
        #expect(try library.asset(id)?.metadata.rating == nil)
        #expect(try !String(contentsOfFile: sidecar, encoding: .utf8).contains("xmp:Rating"))
        #expect(throws: MediaStoreError.self) { try library.edit([id], [.description("x"), .rating(9)]) }
        #expect(try library.asset(id)?.metadata.caption == "Sunset over the Tagus")
        // The sidecars can be written again from the catalog.
        try FileManager.default.removeItem(atPath: library.path + "/sidecars")
        #expect(try library.rewriteSidecars() == 1)
        #expect(FileManager.default.fileExists(atPath: sidecar))
    }

    /// A camera whose clock was wrong: a shift moves each asset's own time (across a month and
    /// a year end), keeps its offset, survives a new reading of the file and reaches the
    /// sidecar; an asset without a capture time is left out.
    @Test func shiftingTheCaptureTimeMovesEachAssetsOwnTime() async throws {
        let dir = try TemporaryFolder()
        let (library, ids) = try await Self.library(dir, count: 3)
        let before = try ids.map { try #require(try library.asset($0)?.metadata.capturedAt) }
        #expect(before[0].text == "2021-04-01T12:00:00-05:00" && before[1].text == "2021-04-02T12:00:00-05:00")
        let pool = try #require(library.catalog as? SQLiteCatalog).pool
        try await pool.write { db in
            try db.execute(sql: "UPDATE assets SET local_time = NULL, captured_at = NULL, utc_offset = NULL WHERE id = ?", arguments: [ids[2].description])
        }
        #expect(try library.edit(ids, [.shiftCapturedAt(seconds: -(12 * 3600 + 1))]) == [ids[0], ids[1]])
        #expect(try library.asset(ids[0])?.metadata.capturedAt?.text == "2021-03-31T23:59:59-05:00")
        #expect(try library.asset(ids[1])?.metadata.capturedAt?.text == "2021-04-01T23:59:59-05:00")
        #expect(try library.asset(ids[2])?.metadata.capturedAt == nil && library.editedFields(of: ids[2]).isEmpty)
        try library.edit([ids[0]], [.shiftCapturedAt(seconds: 275 * 86_400 + 1)])
        #expect(try library.asset(ids[0])?.metadata.capturedAt?.text == "2022-01-01T00:00:00-05:00")
        #expect(try library.rereadMetadata([ids[0]]) == [ids[0]])
        #expect(try library.asset(ids[0])?.metadata.capturedAt?.text == "2022-01-01T00:00:00-05:00", "the shift is locked")
        #expect(try String(contentsOfFile: library.sidecarPath(of: ids[0]), encoding: .utf8).contains("2022-01-01T00:00:00-05:00"))
        for seconds in [Int.max / 2, .min] {
            #expect(throws: MediaStoreError.self, "\(seconds)") { try library.edit([ids[0]], [.shiftCapturedAt(seconds: seconds)]) }
        }
        #expect(try library.asset(ids[0])?.metadata.capturedAt?.text == "2022-01-01T00:00:00-05:00", "refused shifts change nothing")
    }

    @Test func tagsAreHierarchicalAndFindTheirChildren() async throws {
        let dir = try TemporaryFolder()
        let (library, ids) = try await Self.library(dir, count: 4)
        try library.tag([ids[0]], with: ["travel/portugal/lisbon"])
        try library.tag([ids[1]], with: ["travel/portugal/porto"])
        try library.tag([ids[2]], with: ["travel/france"])
        try library.tag([ids[2], ids[3]], with: ["family"])
        #expect(try library.tags().map(\.path) == ["family", "travel", "travel/france", "travel/portugal", "travel/portugal/lisbon", "travel/portugal/porto"])
        #expect(try library.tags().first { $0.path == "family" }?.assetCount == 2)
        func tagged(_ tags: [String]) throws -> Set<AssetID> {
            var q = AssetQuery()
            q.tags = tags
            return Set(try library.search(q).assets.map(\.id))
        }
        #expect(try tagged(["travel"]) == [ids[0], ids[1], ids[2]])
        #expect(try tagged(["travel/portugal"]) == [ids[0], ids[1]])
        #expect(try tagged(["travel", "family"]) == [ids[2]])
        #expect(try tagged(["trav"]).isEmpty, "a tag is a whole name, not a prefix")
        #expect(try library.untag([ids[0], ids[1]], tags: ["travel/portugal"]) == [ids[0], ids[1]])
        #expect(try tagged(["travel"]) == [ids[2]])
        try library.deleteTag("family")
        #expect(try tagged(["family"]).isEmpty && library.tags(of: ids[3]).isEmpty)
        #expect(throws: MediaStoreError.self) { try library.deleteTag("family") }
        #expect(throws: MediaStoreError.self) { try library.tag([ids[0]], with: [" / "]) }
        let bob = try library.addUser(name: "bob")
        #expect(try library.tag([ids[0]], with: ["bob's"], owner: bob.id).isEmpty)
        // A tag made before any asset has it is kept (with its parents), and made once.
        #expect(try library.createTag("places/nowhere"))
        #expect(try !library.createTag(" places / nowhere "))
        #expect(try library.tags().filter { $0.path.hasPrefix("places") }.map(\.path) == ["places", "places/nowhere"])
        #expect(try library.tags().first { $0.path == "places/nowhere" }?.assetCount == 0)
    }

    @Test func albumsAreRenamedGetACoverLoseAssetsAndGo() async throws {
        let dir = try TemporaryFolder()
        let (library, ids) = try await Self.library(dir, count: 4)
        let album = try library.createAlbum(name: "Summer", assets: Array(ids.prefix(3)))
        var updated = try library.updateAlbum(album.id, name: " Summer 2021 ", cover: .some(ids[1]))
        #expect(updated.name == "Summer 2021" && updated.coverAssetID == ids[1])
        #expect(throws: MediaStoreError.self) { try library.updateAlbum(album.id, cover: .some(ids[3])) }
        #expect(throws: MediaStoreError.self) { try library.updateAlbum(album.id, name: "  ") }
        #expect(try library.removeAssets([ids[1], ids[3]], fromAlbum: album.id) == [ids[1]])
        updated = try #require(try library.album(album.id))
        #expect(updated.assetCount == 2 && updated.coverAssetID == nil, "the cover leaves with its asset")
        let bob = try library.addUser(name: "bob")
        #expect(throws: MediaStoreError.self) { try library.removeAssets([ids[0]], fromAlbum: album.id, owner: bob.id) }
        #expect(try !library.deleteAlbum(album.id, owner: bob.id))
        #expect(try library.deleteAlbum(album.id))
        #expect(try library.albums().isEmpty && library.statistics().assets == 4)
    }

    @Test func freeTextPlacesAndCamerasAreSearchable() async throws {
        let dir = try TemporaryFolder()
        let (library, ids) = try await Self.library(dir, count: 3)
        try library.edit([ids[0]], [.location(GPSLocation(latitude: -23.5505, longitude: -46.6333)), .description("Avenida Paulista at night")])
        try library.edit([ids[1]], [.location(GPSLocation(latitude: 38.7223, longitude: -9.1393))])
        func found(_ change: (inout AssetQuery) -> Void) throws -> [AssetID] {
            var q = AssetQuery()
            change(&q)
            return try library.search(q).assets.map(\.id)
        }
        #expect(try found { $0.text = "sao paulo" } == [ids[0]], "accents folded")
        #expect(try found { $0.text = "paulista NIGHT" } == [ids[0]])
        #expect(try found { $0.text = "lis" } == [ids[1]], "a word's start")
        #expect(try found { $0.text = "img_1002" } == [ids[2]])
        #expect(Set(try found { $0.text = "mediakit" }) == Set(ids), "the camera")
        #expect(try found { $0.text = "\"*)(" }.isEmpty, "no words: nothing, and no FTS syntax error")
        #expect(try found { $0.city = "LISBON" } == [ids[1]])
        #expect(try found { $0.country = "br" } == [ids[0]])
        #expect(try found { $0.country = "Portugal" } == [ids[1]])
        #expect(try found { $0.region = "lisbon" } == [ids[1]])
        #expect(try found { $0.description = "PAULISTA at" } == [ids[0]])
        #expect(try found { $0.description = "%" }.isEmpty, "LIKE's wildcards are plain characters")
        // Removing the position removes the place.
        try library.edit([ids[1]], [.location(nil)])
        #expect(try found { $0.city = "Lisbon" }.isEmpty && found { $0.text = "lisbon" }.isEmpty)
    }

    static let exiftool = "/usr/bin/exiftool"

    /// exiftool's reading of a file (`-j -n`), the first object.
    static func exiftool(_ path: String) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: exiftool)
        process.arguments = ["-j", "-n", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try #require((try JSONSerialization.jsonObject(with: data) as? [[String: Any]])?.first)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: LibraryOrganizeTests.exiftool), "exiftool is not installed"))
    func exiftoolReadsTheEditsFromTheSidecarAndTheExport() async throws {
        let dir = try TemporaryFolder()
        let (library, ids) = try await Self.library(dir, count: 1)
        let id = ids[0]
        try library.edit([id], [.rating(5), .description("Tram 28, Alfama"),
                                .capturedAt(try #require(LocalDateTime(parsing: "2019-07-14T20:41:00.250")), offsetSeconds: 3600),
                                .location(GPSLocation(latitude: 38.7118, longitude: -9.1300))])
        try library.tag([id], with: ["travel/portugal/lisbon", "trams"])
        let exported = try await library.export(to: dir.sub("export"), options: ExportOptions())
        #expect(exported.sidecars == 1)
        let exportedSidecar = try #require(FileManager.default.enumerator(atPath: dir.sub("export"))?.allObjects
            .compactMap { $0 as? String }.first { $0.hasSuffix(".xmp") })
        for path in [library.sidecarPath(of: id), dir.sub("export/" + exportedSidecar)] {
            let j = try Self.exiftool(path)
            func number(_ value: Any?) -> Double? { (value as? Double) ?? (value as? String).flatMap(Double.init) }
            #expect(j["Rating"] as? Int == 5, "\(path)")
            #expect(j["Description"] as? String == "Tram 28, Alfama")
            #expect(j["Subject"] as? [String] == ["trams", "lisbon"])
            #expect(j["HierarchicalSubject"] as? [String] == ["trams", "travel|portugal|lisbon"])
            #expect(j["DateTimeOriginal"] as? String == "2019:07:14 20:41:00.250+01:00")
            #expect(j["DateCreated"] as? String == "2019:07:14 20:41:00.250+01:00")
            #expect(abs((number(j["GPSLatitude"]) ?? 0) - 38.7118) < 1e-6 && abs((number(j["GPSLongitude"]) ?? 0) - -9.13) < 1e-6)
        }
        // The original is untouched: its EXIF still says what the camera wrote.
        let original = try Self.exiftool(try library.originalFile(of: try #require(try library.asset(id))))
        #expect(original["DateTimeOriginal"] as? String == "2021:04:01 12:00:00" && original["Rating"] == nil)
    }
}
