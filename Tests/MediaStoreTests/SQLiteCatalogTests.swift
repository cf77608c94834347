import Foundation
import GRDB
import Testing
@testable import MediaStore

@Suite struct SQLiteCatalogTests {
    static func asset(_ owner: UserID, _ local: String?, salt: Int) -> Asset {
        var m = MediaMetadata(format: .jpeg)
        if let local, let time = LocalDateTime(parsing: local) {
            m.capturedAt = CaptureDate(local: time, offsetSeconds: salt % 2 == 0 ? 3600 : nil, source: "EXIF:DateTimeOriginal")
            m.sources[.capturedAt] = "EXIF:DateTimeOriginal"
        }
        return Asset(id: AssetID(), ownerID: owner, hash: ContentHash.of(Array("asset \(salt)".utf8)), size: 10,
                     originalFilename: "\(salt).jpg", metadata: m, storage: .external(path: "/nowhere/\(salt).jpg"))
    }

    /// The month counts kept by triggers always equal a count over the assets.
    @Test func timelineCountsFollowInsertsUpdatesAndDeletes() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let owner = library.defaultOwner
        let months = ["2019-07-01T10:00:00", "2019-07-31T23:59:59.500", "2021-04-11T15:47:53", "2021-05-01T00:00:00", nil]
        let assets = (0..<50).map { Self.asset(owner, months[$0 % months.count], salt: $0) }
        try library.addAssets(assets)
        let pool = try #require(library.catalog as? SQLiteCatalog).pool

        func expected() throws -> [TimelineBucket] {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT substr(local_time, 1, 7) AS m, count(*) AS n FROM assets
                    WHERE owner_id = ? AND trashed_at IS NULL AND visibility = 'timeline' AND local_time IS NOT NULL
                    GROUP BY m ORDER BY m DESC
                    """, arguments: [owner.description]).map { TimelineBucket(month: $0["m"], count: $0["n"]) }
            }
        }
        #expect(try library.timeline() == [TimelineBucket(month: "2021-05", count: 10), TimelineBucket(month: "2021-04", count: 10),
                                           TimelineBucket(month: "2019-07", count: 20)])
        #expect(try library.timeline() == expected())
        try pool.write { db in
            try db.execute(sql: "UPDATE assets SET trashed_at = 1 WHERE original_filename IN ('0.jpg', '1.jpg')")
            try db.execute(sql: "UPDATE assets SET visibility = 'archive' WHERE original_filename = '2.jpg'")
            try db.execute(sql: "UPDATE assets SET local_time = '2020-01-01T00:00:00' WHERE original_filename IN ('3.jpg', '4.jpg')")
            try db.execute(sql: "DELETE FROM assets WHERE original_filename IN ('5.jpg', '8.jpg')")
            try db.execute(sql: "UPDATE assets SET trashed_at = NULL WHERE original_filename = '1.jpg'")
            // Every 2021-05 asset leaves the timeline: the month disappears.
            try db.execute(sql: "UPDATE assets SET visibility = 'hidden' WHERE local_time LIKE '2021-05%'")
        }
        #expect(try library.timeline() == expected())
        #expect(try library.timeline().contains { $0.month == "2020-01" && $0.count == 2 })
        #expect(try !library.timeline().contains { $0.month == "2021-05" })
    }

    /// Every field of an asset comes back as written, through each way the catalog reads rows
    /// (by id, a month of the timeline, a search page, the import-order pages): rows are decoded
    /// by column position, so a column out of order would show here as a wrong field.
    @Test func assetsRoundTripThroughTheCatalog() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        var a = Self.asset(library.defaultOwner, "2021-04-11T15:47:53.054", salt: 2)
        a.metadata.make = "Apple"
        a.metadata.model = "iPhone 12"
        a.metadata.lens = "back dual camera 4.2mm f/1.6"
        a.metadata.fNumber = 1.6
        a.metadata.exposureTime = 1.0 / 120
        a.metadata.iso = 32
        a.metadata.focalLength = 4.2
        a.metadata.duration = 12.5
        a.metadata.rating = 4
        a.metadata.caption = "the harbour at dusk"
        a.metadata.location = GPSLocation(latitude: -39.06, longitude: -94.28, altitude: -260.5)
        a.metadata.warnings = ["a broken maker note"]
        a.metadata.orientation = 6
        a.metadata.rotation = 90
        a.metadata.pixelWidth = 4032
        a.metadata.pixelHeight = 3024
        a.metadata.sources = [.capturedAt: "EXIF:DateTimeOriginal", .utcOffset: "EXIF:OffsetTimeOriginal"]
        a.sourcePath = "/photos/2021/IMG_0001.JPG"
        a.fileCreatedAt = Date(timeIntervalSince1970: 1_500_000_000.75)
        a.fileModifiedAt = Date(timeIntervalSince1970: 1_600_000_000.25)
        a.isFavorite = true
        a.thumbhash = [1, 2, 3, 250]
        a.place = Place(city: "Lisbon", region: "Lisbon", countryCode: "PT", country: "Portugal", timeZone: "Europe/Lisbon",
                        latitude: 38.72, longitude: -9.13, distance: 1234.5)
        a.createdAt = Date(timeIntervalSince1970: 1_700_000_000.5)  // times are kept as seconds since 1970
        a.updatedAt = Date(timeIntervalSince1970: 1_700_000_100.5)
        var b = Self.asset(library.defaultOwner, "2021-04-02T08:00:00", salt: 3)  // mostly empty: NULLs decode as nil
        b.metadata.format = .mp4
        b.createdAt = a.createdAt
        b.updatedAt = a.createdAt
        try library.addAssets([a, b])
        let back = try #require(try library.asset(a.id))
        #expect(back == a)
        #expect(back.metadata.width == 3024)
        #expect(try library.asset(b.id) == b)
        #expect(try library.assets(inMonth: "2021-04") == [a, b])
        #expect(try library.search(AssetQuery()).assets == [a, b])
        var all: [Asset] = []
        try library.forEachAsset(pageSize: 1) { all.append($0); return true }
        #expect(all.sorted { $0.originalFilename < $1.originalFilename } == [a, b])
        // The same bytes twice for one owner break the catalog's rule; nothing is written.
        #expect(throws: MediaStoreError.self) { try library.addAssets([Self.asset(library.defaultOwner, nil, salt: 9), Self.asset(library.defaultOwner, nil, salt: 2)]) }
        #expect(try library.statistics().assets == 2)
    }

    /// A month of the timeline: newest first, without trashed, archived or hidden assets, nor
    /// those of another month or another owner.
    @Test func aMonthHoldsTheOwnersTimelineAssetsNewestFirst() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let other = try library.addUser(name: "other")
        let times = ["2020-03-01T00:00:00", "2020-03-31T23:59:59.999", "2020-03-15T12:00:00", "2020-04-01T00:00:00",
                     "2020-02-29T23:59:59", "2020-03-10T09:00:00", "2020-03-11T09:00:00", "2020-03-12T09:00:00"]
        var assets = times.enumerated().map { Self.asset(library.defaultOwner, $1, salt: $0) }
        assets[5].visibility = .archive
        assets[6].visibility = .hidden
        assets[7].trashedAt = Date(timeIntervalSince1970: 1_700_000_000)
        try library.addAssets(assets + [Self.asset(other.id, "2020-03-20T00:00:00", salt: 100)])
        #expect(try library.assets(inMonth: "2020-03").map(\.id) == [assets[1], assets[2], assets[0]].map(\.id))
        #expect(try library.assets(inMonth: "2020-03", owner: other.id).count == 1)
        #expect(try library.assets(inMonth: "1999-01").isEmpty)
        #expect(throws: MediaStoreError.self) { try library.assets(inMonth: "2020-3") }
    }

    @Test func findsAssetsByUniquePrefixesOfIdOrHash() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let assets = (0..<200).map { Self.asset(library.defaultOwner, nil, salt: $0) }
        try library.addAssets(assets)
        for a in assets.prefix(20) {
            #expect(try library.asset(matching: String(a.hash.sha256.prefix(12)))?.id == a.id)
            #expect(try library.asset(matching: String(a.hash.sha256.prefix(13)))?.id == a.id, "odd number of digits")
            #expect(try library.asset(matching: a.id.description)?.id == a.id)
        }
        // Ids made in the same millisecond share their first 12 digits: such a prefix is ambiguous.
        let shared = String(assets[0].id.description.prefix(8))
        if assets.filter({ $0.id.description.hasPrefix(shared) }).count > 1 {
            #expect(throws: MediaStoreError.self, "ambiguous: said, not taken for none") { try library.asset(matching: shared) }
        }
        let unique = assets[5].id.description
        #expect(try library.asset(matching: String(unique.prefix(36))) != nil)
        #expect(try library.asset(matching: "abc") == nil, "too short")
        #expect(try library.asset(matching: "zzzzzzzz") == nil, "not hex")
    }
}
