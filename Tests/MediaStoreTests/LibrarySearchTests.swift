import Foundation
import GRDB
import Testing
@testable import MediaStore

/// `Library.search`: every filter, alone and combined, against a plain Swift filter over the
/// same assets (the oracle), page by page through the cursor; other users' assets never match.
@Suite struct LibrarySearchTests {
    /// A seeded generator, so a failure can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let makes = ["Canon", "NIKON CORPORATION", "Apple", nil]
    static let models = ["Canon EOS 5D", "NIKON D70", "iPhone 11 Pro Max", nil]
    static let lenses = ["EF24-105mm f/4L IS USM", "iPhone back camera 4.25mm f/1.8", nil]
    static let names = ["IMG_0001.JPG", "DSC_1234.NEF", "holiday 100%_a.jpg", "clip.MOV", "scan.png"]

    /// `count` assets of `owner` with random metadata, some without date, place, rating.
    static func assets(_ count: Int, owner: UserID, rng: inout Seeded) -> [Asset] {
        (0..<count).map { n in
            let name = names[Int.random(in: 0..<names.count, using: &rng)]
            var m = MediaMetadata(format: name.hasSuffix(".MOV") ? .mov : .jpeg)
            if Int.random(in: 0..<10, using: &rng) > 0 {
                m.capturedAt = CaptureDate(local: LocalDateTime(year: Int.random(in: 2015...2022, using: &rng), month: Int.random(in: 1...12, using: &rng),
                                                                day: Int.random(in: 1...28, using: &rng), hour: Int.random(in: 0...23, using: &rng),
                                                                minute: Int.random(in: 0...59, using: &rng), second: 0)!,
                                           offsetSeconds: 3600, source: "test")
            }
            let camera = Int.random(in: 0..<makes.count, using: &rng)
            m.make = makes[camera]
            m.model = models[camera]
            m.lens = lenses.randomElement(using: &rng) ?? nil
            if Bool.random(using: &rng) {
                m.location = GPSLocation(latitude: Double.random(in: 30...60, using: &rng), longitude: Double.random(in: -20...30, using: &rng))
            } else if Int.random(in: 0..<10, using: &rng) == 0 {
                m.location = GPSLocation(latitude: -16.5, longitude: Double.random(in: 179...180, using: &rng))  // Fiji, both sides of 180°
            }
            m.rating = Int.random(in: -2...5, using: &rng) < -1 ? nil : Int.random(in: -1...5, using: &rng)
            var asset = Asset(id: AssetID(), ownerID: owner, hash: ContentHash.of(Array("\(owner) \(n) \(rng.next())".utf8)), size: 100,
                              originalFilename: name, metadata: m)
            asset.isFavorite = Int.random(in: 0..<4, using: &rng) == 0
            asset.visibility = [.timeline, .timeline, .timeline, .archive, .hidden].randomElement(using: &rng) ?? .timeline
            asset.trashedAt = Int.random(in: 0..<8, using: &rng) == 0 ? Date() : nil
            return asset
        }
    }

    /// What the query must answer, by reading every asset.
    static func oracle(_ q: AssetQuery, _ assets: [Asset], albums: Set<AssetID>?) -> [AssetID] {
        let hits = assets.filter { a in
            let m = a.metadata
            switch q.trash {
            case .exclude: if a.trashedAt != nil { return false }
            case .only: if a.trashedAt == nil { return false }
            case .include: break
            }
            guard q.visibility.contains(a.visibility) else { return false }
            let local = m.capturedAt?.local
            if let from = q.takenFrom { guard let local, local >= from else { return false } }
            if let before = q.takenBefore { guard let local, local < before else { return false } }
            func same(_ a: String?, _ b: String?) -> Bool { b == nil || a?.lowercased() == b?.lowercased() }
            guard same(m.make, q.make), same(m.model, q.model), same(m.lens, q.lens) else { return false }
            if let kind = q.kind, a.kind != kind { return false }
            if let name = q.filename, !a.originalFilename.lowercased().contains(name.lowercased()) { return false }
            if let favorite = q.isFavorite, a.isFavorite != favorite { return false }
            if let ratings = q.ratings { guard let r = m.rating, ratings.contains(r) else { return false } }
            if let albums, !albums.contains(a.id) { return false }
            if let area = q.area {
                guard let p = m.location else { return false }
                switch area {
                case .box(let s, let w, let n, let e):
                    guard (s...n).contains(p.latitude), w <= e ? (w...e).contains(p.longitude) : (p.longitude >= w || p.longitude <= e) else { return false }
                case .radius(let lat, let lon, let meters):
                    guard GeoArea.distance(latitude: lat, longitude: lon, latitude: p.latitude, longitude: p.longitude) <= meters else { return false }
                }
            }
            return true
        }
        // Newest first by local time, no time last; ties in insertion order reversed (row ids).
        let index = Dictionary(uniqueKeysWithValues: assets.enumerated().map { ($1.id, $0) })
        let sorted = hits.sorted { a, b in
            let ta = a.metadata.capturedAt?.local.text, tb = b.metadata.capturedAt?.local.text
            switch (ta, tb) {
            case (nil, nil): return q.order == .newestFirst ? index[a.id]! > index[b.id]! : index[a.id]! < index[b.id]!
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?):
                if x != y { return q.order == .newestFirst ? x > y : x < y }
                return q.order == .newestFirst ? index[a.id]! > index[b.id]! : index[a.id]! < index[b.id]!
            }
        }
        return sorted.map(\.id)
    }

    /// Every page of a search, through the cursor.
    static func all(_ library: Library, _ q: AssetQuery, owner: UserID, limit: Int) throws -> [AssetID] {
        var out: [AssetID] = []
        var page = try library.search(q, owner: owner, limit: limit)
        out += page.assets.map(\.id)
        while let next = page.next {
            // The token survives a round trip through its text (as a client sends it back).
            let cursor = try #require(SearchCursor(next.description))
            page = try library.search(q, owner: owner, after: cursor, limit: limit)
            out += page.assets.map(\.id)
        }
        return out
    }

    @Test func everyFilterAnswersWhatTheOracleSays() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let owner = library.defaultOwner
        let bob = try library.addUser(name: "bob")
        var rng = Seeded(state: 42)
        let mine = Self.assets(400, owner: owner, rng: &rng)
        try library.addAssets(mine)
        try library.addAssets(Self.assets(100, owner: bob.id, rng: &rng))
        let album = try library.createAlbum(name: "Beach", assets: mine.prefix(60).map(\.id))
        let inAlbum = Set(mine.prefix(60).map(\.id))

        func day(_ y: Int, _ m: Int, _ d: Int) -> LocalDateTime { LocalDateTime(year: y, month: m, day: d, hour: 0, minute: 0, second: 0)! }
        var queries: [(String, AssetQuery)] = [("timeline", AssetQuery())]
        func add(_ name: String, _ change: (inout AssetQuery) -> Void) {
            var q = AssetQuery()
            change(&q)
            queries.append((name, q))
        }
        add("2019") { $0.takenFrom = day(2019, 1, 1); $0.takenBefore = day(2020, 1, 1) }
        add("make any case") { $0.make = "canon" }
        add("model") { $0.model = "NIKON D70" }
        add("lens") { $0.lens = "ef24-105mm f/4l is usm" }
        add("videos") { $0.kind = .video }
        add("filename part") { $0.filename = "img_" }
        add("filename with LIKE wildcards") { $0.filename = "100%_" }
        // Parts without a token to look up: the trigram index gives the candidates.
        add("filename part inside a token") { $0.filename = "1234" }
        add("filename part inside a word, any case") { $0.filename = "oLiD" }
        add("filename part with a wildcard, no token") { $0.filename = "0%_" }
        add("filename part of 2 characters") { $0.filename = "ca" }
        add("favourites") { $0.isFavorite = true }
        add("not favourites") { $0.isFavorite = false }
        add("rating 4-5") { $0.ratings = 4...5 }
        add("rejected") { $0.ratings = -1...(-1) }
        add("box") { $0.area = .box(south: 40, west: -10, north: 50, east: 10) }
        add("box over 180°") { $0.area = .box(south: -20, west: 179.5, north: -10, east: -179.5) }
        add("radius 300 km around Paris") { $0.area = .radius(latitude: 48.85, longitude: 2.35, meters: 300_000) }
        add("archive") { $0.visibility = [.archive] }
        add("everything") { $0.visibility = Set(AssetVisibility.allCases); $0.trash = .include }
        add("trash") { $0.trash = .only; $0.visibility = Set(AssetVisibility.allCases) }
        add("oldest first") { $0.order = .oldestFirst }
        add("Canon favourites of 2016-2020 near Paris, oldest first") {
            $0.make = "Canon"; $0.isFavorite = true; $0.takenFrom = day(2016, 1, 1); $0.takenBefore = day(2021, 1, 1)
            $0.area = .radius(latitude: 48.85, longitude: 2.35, meters: 1_500_000); $0.order = .oldestFirst
        }
        var albumQuery = AssetQuery()
        albumQuery.albums = [album.id]

        for (name, q) in queries {
            let expected = Self.oracle(q, mine, albums: nil)
            #expect(!expected.isEmpty || name.hasPrefix("Canon favourites"), "\(name) tests nothing")
            #expect(try Self.all(library, q, owner: owner, limit: 7) == expected, "\(name)")
            #expect(try library.search(q, owner: owner, limit: 1000).assets.map(\.id) == expected, "\(name), one page")
        }
        #expect(try Self.all(library, albumQuery, owner: owner, limit: 9) == Self.oracle(albumQuery, mine, albums: inAlbum))
        // Numbered pages (Immich's `page`) agree with the cursor's.
        let timeline = Self.oracle(AssetQuery(), mine, albums: nil)
        #expect(try library.search(AssetQuery(), owner: owner, skipping: 20, limit: 10).assets.map(\.id) == Array(timeline[20..<30]))
        // Bob finds only his own, and not Alice's album's assets.
        #expect(try Self.all(library, AssetQuery(), owner: bob.id, limit: 50).allSatisfy { id in !mine.contains { $0.id == id } })
        #expect(try library.search(albumQuery, owner: bob.id).assets.isEmpty)
    }

    /// The free-text index is keyed by the assets' row ids. A user may VACUUM the catalog; SQLite
    /// documents that VACUUM *may* renumber the rows of a table without an INTEGER PRIMARY KEY
    /// (its transfer optimisation keeps them): after deleting rows and a VACUUM, the text search
    /// must still name the right assets. A SQLite that renumbered them would fail here.
    @Test func textSearchSurvivesAVacuumOfTheCatalog() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        var rng = Seeded(state: 7)
        var mine = Self.assets(300, owner: library.defaultOwner, rng: &rng)
        for n in mine.indices {
            mine[n].trashedAt = nil
            mine[n].visibility = .timeline
            (mine[n].metadata.make, mine[n].metadata.model, mine[n].metadata.lens) = (n % 2 == 0 ? "Canon" : "Apple", nil, nil)
        }
        try library.addAssets(mine)
        let pool = try #require(library.catalog as? SQLiteCatalog).pool
        let gone = Set(mine.enumerated().filter { $0.offset % 3 == 0 }.map(\.element.id.description))
        try pool.write { db in
            for id in gone { try db.execute(sql: "DELETE FROM assets WHERE id = ?", arguments: [id]) }
        }
        try pool.barrierWriteWithoutTransaction { db in try db.execute(sql: "VACUUM") }
        var q = AssetQuery()
        q.text = "canon"
        let expected = Set(mine.enumerated().filter { $0.offset % 2 == 0 && !gone.contains($0.element.id.description) }.map(\.element.id))
        #expect(Set(try library.search(q, limit: 1000).assets.map(\.id)) == expected)
    }

    /// A library made before the trigram index of file names (migration v8) gets it filled from
    /// its assets when opened, and finds parts of names that are not tokens.
    @Test func anOlderLibraryGetsTheFileNameIndexFilledWhenOpened() throws {
        let dir = try TemporaryFolder()
        var rng = Seeded(state: 9)
        let mine: [Asset]
        do {
            let library = try Library(at: dir.sub("library"))
            mine = Self.assets(120, owner: library.defaultOwner, rng: &rng)
            try library.addAssets(mine)
            let pool = try #require(library.catalog as? SQLiteCatalog).pool
            try pool.write { db in
                try db.execute(sql: """
                    DROP TRIGGER asset_name_trigrams_insert; DROP TRIGGER asset_name_trigrams_update;
                    DROP TRIGGER asset_name_trigrams_delete; DROP TABLE asset_name_trigrams;
                    DELETE FROM grdb_migrations WHERE identifier = 'v8-file-name-trigrams';
                    """)
            }
        }
        let library = try Library(at: dir.sub("library"))
        var q = AssetQuery()
        q.filename = "1234"
        q.visibility = Set(AssetVisibility.allCases)
        q.trash = .include
        let expected = Set(mine.filter { $0.originalFilename.contains("1234") }.map(\.id))
        #expect(!expected.isEmpty)
        #expect(Set(try library.search(q, limit: 1000).assets.map(\.id)) == expected)
        let pool = try #require(library.catalog as? SQLiteCatalog).pool
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM asset_name_trigrams") } == mine.count)
    }

    @Test func badArgumentsAreRefusedWithAReason() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        var q = AssetQuery()
        #expect(throws: MediaStoreError.self) { try library.search(q, limit: 0) }
        #expect(throws: MediaStoreError.self) { try library.search(q, limit: 1001) }
        q.area = .radius(latitude: 91, longitude: 0, meters: 10)
        #expect(throws: MediaStoreError.self) { try library.search(q) }
        q.area = .box(south: 10, west: 0, north: -10, east: 1)
        #expect(throws: MediaStoreError.self) { try library.search(q) }
        q.area = nil
        q.ratings = 0...9
        #expect(throws: MediaStoreError.self) { try library.search(q) }
        #expect(SearchCursor("not a cursor") == nil && SearchCursor("") == nil)
        // A cursor from a newest-first search does not continue an oldest-first one.
        var rng = Seeded(state: 7)
        try library.addAssets(Self.assets(5, owner: library.defaultOwner, rng: &rng))
        var everything = AssetQuery()
        everything.visibility = Set(AssetVisibility.allCases)
        everything.trash = .include
        let first = try library.search(everything, limit: 1)
        var oldest = everything
        oldest.order = .oldestFirst
        let cursor = try #require(first.next)
        #expect(throws: MediaStoreError.self) { try library.search(oldest, after: cursor) }
    }
}
