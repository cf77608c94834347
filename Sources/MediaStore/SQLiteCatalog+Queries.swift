import MediaCore
import Foundation
import GRDB
import MediaML

extension SQLiteCatalog {
    func add(_ assets: [Asset]) throws(MediaStoreError) {
        try write("adding \(assets.count) assets") { db in
            for asset in assets { try AssetRow.insert(asset, db) }
        }
    }

    func asset(_ id: AssetID) throws(MediaStoreError) -> Asset? {
        let row = try read("reading asset \(id)") { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(AssetRow.columns) FROM assets WHERE id = ?"), arguments: [id.description])
        }
        return try row.map { (r) throws(MediaStoreError) in try AssetRow.decode(r) }
    }

    /// Assets whose id or SHA-256 starts with `prefix` (lower-case hex, dashes allowed in ids),
    /// as index range scans: `id` in [prefix, prefix + 1), `sha256` in [bytes, bytes + 1).
    func assets(withIDOrHashPrefix prefix: String, limit: Int) throws(MediaStoreError) -> [Asset] {
        let rows = try read("looking up \(prefix)") { db in
            var rows = try Row.fetchAll(db, sql: "SELECT \(AssetRow.columns) FROM assets WHERE id >= ? AND id < ? LIMIT ?",
                                        arguments: [prefix, Self.successor(of: prefix), limit])
            let hex = prefix.filter { $0 != "-" }
            if rows.count < limit, hex.count == prefix.count {
                let bytes = HexCoding.decode(hex.utf8)
                let low = Data(bytes)
                // An odd digit count: the last nibble is a range of its own.
                let (start, end): (Data, Data?) = hex.count % 2 == 0
                    ? (low, Self.successor(of: bytes).map { Data($0) })
                    : (Data(HexCoding.decode((hex + "0").utf8)), Self.successor(of: HexCoding.decode((hex + "f").utf8)).map { Data($0) })
                var sql = "SELECT \(AssetRow.columns) FROM assets WHERE sha256 >= ?"
                var arguments: [any DatabaseValueConvertible] = [start]
                if let end { sql += " AND sha256 < ?"; arguments.append(end) }
                rows += try Row.fetchAll(db, sql: sql + " LIMIT ?", arguments: StatementArguments(arguments + [limit]))
            }
            return rows
        }
        var out: [Asset] = []
        var seen = Set<AssetID>()
        for row in rows {
            let asset = try AssetRow.decode(row)
            if seen.insert(asset.id).inserted { out.append(asset) }
        }
        return Array(out.prefix(limit))
    }

    /// The smallest string greater than every string starting with `prefix` (ASCII).
    static func successor(of prefix: String) -> String {
        var bytes = Array(prefix.utf8)
        guard let last = bytes.popLast() else { return "\u{7F}" }
        bytes.append(last + 1)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The smallest byte string greater than every one starting with `bytes`; `nil` when all are 0xFF.
    static func successor(of bytes: [UInt8]) -> [UInt8]? {
        var b = bytes
        while let last = b.popLast() {
            if last < 0xFF { b.append(last + 1); return b }
        }
        return nil
    }

    func assets(after cursor: Int64, limit: Int) throws(MediaStoreError) -> (assets: [Asset], next: Int64) {
        let rows = try read("listing assets") { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT \(AssetRow.columns), rowid AS r FROM assets WHERE rowid > ? ORDER BY rowid LIMIT ?"),
                             arguments: [cursor, limit])
        }
        var out: [Asset] = []
        out.reserveCapacity(rows.count)
        for row in rows { out.append(try AssetRow.decode(row)) }
        return (out, rows.last?["r"] ?? cursor)
    }

    func assetRefs(after cursor: Int64, limit: Int) throws(MediaStoreError) -> (refs: [AssetRef], next: Int64) {
        let rows = try read("listing assets to verify") { db in
            try Row.fetchAll(db, sql: "SELECT rowid AS r, id, sha256, sha1, size, external_path FROM assets WHERE rowid > ? ORDER BY rowid LIMIT ?",
                             arguments: [cursor, limit])
        }
        var refs: [AssetRef] = []
        for row in rows {
            let text: String = row["id"]
            guard let id = AssetID(text) else { throw MediaStoreError(.catalog, "asset id '\(text)' is not a UUID", path: path) }
            refs.append(AssetRef(id: id, sha256: Hex.text(row["sha256"]), sha1: Hex.text(row["sha1"]), size: row["size"],
                                 externalPath: row["external_path"]))
        }
        return (refs, rows.last?["r"] ?? cursor)
    }

    func timeline(owner: UserID) throws(MediaStoreError) -> [TimelineBucket] {
        try read("reading the timeline") { db in
            try Row.fetchAll(db, sql: "SELECT month, count FROM timeline_months WHERE owner_id = ? ORDER BY month DESC",
                             arguments: [owner.description]).map { TimelineBucket(month: $0["month"], count: $0["count"]) }
        }
    }

    func timelineAssets(owner: UserID, month: String) throws(MediaStoreError) -> [Asset] {
        // One range scan of the timeline index, each row read once (no second lookup by id).
        let rows = try read("reading a month of the timeline") { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(AssetRow.columns) FROM assets INDEXED BY assets_timeline
                WHERE owner_id = ? AND trashed_at IS NULL AND visibility = 'timeline' AND local_time >= ? AND local_time < ?
                ORDER BY local_time DESC, rowid DESC
                """), arguments: [owner.description, month, month + "\u{7F}"])
        }
        var assets: [Asset] = []
        assets.reserveCapacity(rows.count)
        for row in rows { assets.append(try AssetRow.decode(row)) }
        return assets
    }

    func trash(_ assets: [AssetID], owner: UserID, now: Date) throws(MediaStoreError) -> Int {
        try write("moving \(assets.count) assets to the trash") { db in
            var moved = 0
            for asset in assets {
                try db.cachedStatement(sql: "UPDATE assets SET trashed_at = ?, updated_at = ? WHERE id = ? AND owner_id = ? AND trashed_at IS NULL")
                    .execute(arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, asset.description, owner.description])
                moved += db.changesCount
            }
            return moved
        }
    }

    func statistics() throws(MediaStoreError) -> LibraryStatistics {
        try read("reading statistics") { db in
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
            s.imagesWithoutThumbnail = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM assets a WHERE a.kind = 'image' AND NOT EXISTS
                    (SELECT 1 FROM derived_files d WHERE d.asset_id = a.id AND d.kind = 'thumbnail' AND d.status = 'ready')
                """) ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT format, count(*) AS n FROM assets GROUP BY format ORDER BY n DESC, format") {
                s.formats[row["format"]] = row["n"]
            }
            return s
        }
    }

    func isObjectReferenced(sha256: String) throws(MediaStoreError) -> Bool {
        try read("looking up object \(sha256)") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assets WHERE sha256 = ? AND external_path IS NULL)",
                              arguments: [Hex.blob(sha256)]) ?? false
        }
    }

    func backup(to path: String) throws(MediaStoreError) {
        do {
            let copy = try DatabaseQueue(path: path)
            try pool.backup(to: copy)
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try copy.close()
        } catch {
            throw MediaStoreError(.writeFailed, "backing up the catalog failed", path: path, underlying: "\(error)")
        }
    }

    func assetCount() throws(MediaStoreError) -> Int {
        try read("counting the assets") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM assets") ?? 0 }
    }

    func derivedFiles(of asset: AssetID) throws(MediaStoreError) -> [DerivedFile] {
        try read("reading the derived files of \(asset)") { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM derived_files WHERE asset_id = ? ORDER BY kind"),
                             arguments: [asset.description]).compactMap { row in
                guard let kind = DerivedFile.Kind(rawValue: row["kind"]), let status = DerivedFile.Status(rawValue: row["status"]) else { return nil }
                return DerivedFile(kind: kind, status: status, path: row["path"], format: (row["format"] as String?).flatMap(MediaFormat.init),
                                   width: row["width"], height: row["height"], size: row["size"], error: row["error"])
            }
        }
    }

    func hasPerceptualHashAndEmbedding(of asset: AssetID, provider: String) throws(MediaStoreError) -> Bool {
        try read("reading the perceptual hash and embedding of \(asset)") { db in
            try Bool.fetchOne(db.cachedStatement(sql: """
                SELECT EXISTS (SELECT 1 FROM perceptual_hashes WHERE asset_id = ?)
                   AND EXISTS (SELECT 1 FROM embeddings WHERE asset_id = ? AND provider = ?)
                """), arguments: [asset.description, asset.description, provider]) ?? false
        }
    }

    func replaceDerivedFiles(of asset: AssetID, sha256: String, with files: [DerivedFile],
                             thumbhash: [UInt8]?, perceptual: PerceptualHash?, embedding: Embedding?) throws(MediaStoreError) -> [String] {
        try write("recording the derived files of \(asset)") { db in
            let id = asset.description
            let now = Date().timeIntervalSince1970
            let old = try String.fetchAll(db, sql: "SELECT path FROM derived_files WHERE asset_id = ? AND path IS NOT NULL",
                                          arguments: [id])
            try db.execute(sql: "DELETE FROM derived_files WHERE asset_id = ?", arguments: [id])
            for file in files { try Self.insertDerived(file, of: asset, db, now: now) }
            try db.execute(sql: "UPDATE assets SET thumbhash = ?, updated_at = ? WHERE id = ?",
                           arguments: [thumbhash.map { Data($0) }, now, id])
            if perceptual != nil || embedding != nil,
               let owner = try String.fetchOne(db, sql: "SELECT owner_id FROM assets WHERE id = ?", arguments: [id]).flatMap(UserID.init) {
                if let perceptual {
                    try recordPerceptualHash(perceptual, of: asset, owner: owner, db)
                }
                if let embedding { try Self.recordEmbedding(embedding, of: asset, owner: owner, db) }
            }
            // Derived files are named by the content hash: only assets with the same bytes can share one.
            let kept = Set(files.compactMap(\.path))
            return try Set(old).subtracting(kept).sorted().filter { path in
                try !(Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM assets a JOIN derived_files d ON d.asset_id = a.id WHERE a.sha256 = ? AND d.path = ?)
                    """, arguments: [Hex.blob(sha256), path]) ?? false)
            }
        }
    }
}
