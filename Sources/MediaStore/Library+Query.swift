public import MediaCore
import Foundation
import GRDB

extension Library {
    /// The asset with this id, if the library has it.
    /// - Throws: `MediaStoreError.catalog` when the catalog cannot be read.
    public func asset(_ id: AssetID) throws(MediaStoreError) -> Asset? {
        let row = try catalog.read("reading asset \(id)") { db in
            try Row.fetchOne(db, sql: "SELECT \(AssetRow.columns) FROM assets WHERE id = ?", arguments: [id.description])
        }
        return try row.map { (r) throws(MediaStoreError) in try AssetRow.decode(r) }
    }

    /// Finds an asset by its full id, or by a unique prefix of its id or SHA-256 of at least 6 characters.
    /// - Returns: The asset, or `nil` when nothing (or more than one asset) matches.
    public func asset(matching text: String) throws(MediaStoreError) -> Asset? {
        if let id = AssetID(text) { return try asset(id) }
        let needle = text.lowercased()
        guard needle.count >= 6, needle.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { return nil }
        let rows = try catalog.read("looking up \(text)") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(AssetRow.columns) FROM assets WHERE id LIKE ? || '%' OR hex(sha256) LIKE upper(?) || '%' LIMIT 2
                """, arguments: [needle, needle])
        }
        guard rows.count == 1, let row = rows.first else { return nil }
        return try AssetRow.decode(row)
    }

    /// Calls `body` with every asset, in import order, reading the catalog in pages so memory
    /// stays flat however large the library is.
    /// - Parameters:
    ///   - pageSize: Assets read per catalog query.
    ///   - body: Called once per asset; return `false` to stop.
    /// - Complexity: O(n) over the library, O(`pageSize`) memory.
    public func forEachAsset(pageSize: Int = 1000, _ body: (Asset) throws -> Bool) throws {
        var after: Int64 = 0
        while true {
            let page = try catalog.read("listing assets") { db in
                try Row.fetchAll(db, sql: "SELECT rowid AS r, \(AssetRow.columns) FROM assets WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                 arguments: [after, pageSize])
            }
            for row in page {
                after = row["r"]
                if try !body(try AssetRow.decode(row)) { return }
            }
            if page.count < pageSize { return }
        }
    }

    /// Month buckets over the local capture time, newest first, of the owner's timeline
    /// (assets neither trashed, archived nor hidden). Assets without a capture time are not in it.
    /// - Parameter owner: Whose timeline; `nil` for the ``defaultOwner``.
    public func timeline(owner: UserID? = nil) throws(MediaStoreError) -> [TimelineBucket] {
        let ownerID = (owner ?? defaultOwner).description
        return try catalog.read("reading the timeline") { db in
            try Row.fetchAll(db, sql: """
                SELECT substr(local_time, 1, 7) AS month, count(*) AS n FROM assets INDEXED BY assets_timeline
                WHERE owner_id = ? AND trashed_at IS NULL AND visibility = 'timeline' AND local_time IS NOT NULL
                GROUP BY month ORDER BY month DESC
                """, arguments: [ownerID]).map { TimelineBucket(month: $0["month"], count: $0["n"]) }
        }
    }

    /// Counts and sizes: what the library holds.
    public func statistics() throws(MediaStoreError) -> LibraryStatistics {
        try catalog.read("reading statistics") { db in
            var s = LibraryStatistics()
            if let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes,
                       sum(kind = 'image') AS images, sum(kind = 'video') AS videos,
                       sum(external_path IS NOT NULL) AS external, sum(trashed_at IS NOT NULL) AS trashed,
                       min(local_time) AS first, max(local_time) AS last,
                       sum(latitude IS NOT NULL) AS located
                FROM assets
                """) {
                s.assets = row["n"]
                s.bytes = row["bytes"]
                s.images = row["images"] ?? 0
                s.videos = row["videos"] ?? 0
                s.external = row["external"] ?? 0
                s.trashed = row["trashed"] ?? 0
                s.withLocation = row["located"] ?? 0
                s.earliest = row["first"]
                s.latest = row["last"]
            }
            s.objects = try Int.fetchOne(db, sql: "SELECT count(DISTINCT sha256) FROM assets WHERE external_path IS NULL") ?? 0
            s.users = try Int.fetchOne(db, sql: "SELECT count(*) FROM users") ?? 0
            s.sources = try Int.fetchOne(db, sql: "SELECT count(*) FROM import_sources") ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT format, count(*) AS n FROM assets GROUP BY format ORDER BY n DESC, format") {
                s.formats[row["format"]] = row["n"]
            }
            return s
        }
    }
}

/// One month of a timeline.
public struct TimelineBucket: Sendable, Hashable, Codable {
    /// `YYYY-MM`, from the local capture time.
    public var month: String
    /// Assets taken that month.
    public var count: Int

    /// Creates a bucket.
    public init(month: String, count: Int) {
        self.month = month
        self.count = count
    }
}

/// What a library holds.
public struct LibraryStatistics: Sendable, Hashable, Codable {
    /// Assets in the catalog (all owners, trashed included).
    public var assets = 0
    /// Bytes of their originals (an original shared by two owners counted twice).
    public var bytes: Int64 = 0
    /// Still images, camera raw included.
    public var images = 0
    /// Videos.
    public var videos = 0
    /// Assets imported in place (originals outside the library).
    public var external = 0
    /// Assets in the trash.
    public var trashed = 0
    /// Assets with a GPS position.
    public var withLocation = 0
    /// Distinct objects the catalog refers to.
    public var objects = 0
    /// Users.
    public var users = 0
    /// Source paths imports have recorded.
    public var sources = 0
    /// The earliest and latest local capture times.
    public var earliest: String?
    /// The latest local capture time.
    public var latest: String?
    /// Assets per format.
    public var formats: [String: Int] = [:]

    /// Empty statistics.
    public init() {}
}

extension Library {
    /// Records assets whose originals are already in place: stored through ``blobs`` (for
    /// ``AssetStorage/managed`` assets) or at their external path. For hosts that receive bytes
    /// themselves (an upload endpoint) and for tools that build catalogs; files on disk go
    /// through ``import(_:options:events:)`` instead.
    /// - Parameter assets: The assets, written in one transaction.
    /// - Throws: `MediaStoreError.catalog` when a row breaks a catalog rule (an owner that does
    ///   not exist, the same bytes twice for one owner); nothing is written then.
    public func addAssets(_ assets: [Asset]) throws(MediaStoreError) {
        try catalog.write("adding \(assets.count) assets") { db in
            for asset in assets { try AssetRow.insert(asset, db) }
        }
    }
}
