import Foundation
import GRDB
import MediaCore

/// Favourites, visibility, the trash, edits with their locks, tags and album changes
/// (tables of migrations `v1-library` and `v7-organise`). Every change is one transaction and
/// touches only the owner's assets; each returns the ids it changed.
extension SQLiteCatalog {
    /// The owner's assets among `ids`, as SQL placeholders and arguments.
    private static func owned(_ ids: [AssetID], _ owner: UserID) -> (sql: String, arguments: [any DatabaseValueConvertible]) {
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
        return ("owner_id = ? AND id IN (\(marks))", [owner.description] + ids.map(\.description))
    }

    /// Runs `update` (an `UPDATE assets SET ... WHERE` prefix) on the owner's assets among `ids`
    /// that also satisfy `condition`, in chunks; returns the ids that matched.
    private func update(_ what: String, _ ids: [AssetID], owner: UserID, set: String, _ values: [any DatabaseValueConvertible],
                        condition: String = "1") throws(MediaStoreError) -> [AssetID] {
        guard !ids.isEmpty else { return [] }
        return try write(what) { db in
            var changed: [AssetID] = []
            var start = 0
            while start < ids.count {
                let chunk = Array(ids[start..<min(ids.count, start + 500)])
                start += chunk.count
                let (sql, arguments) = Self.owned(chunk, owner)
                let found = Set(try String.fetchAll(db, sql: "SELECT id FROM assets WHERE \(sql) AND \(condition)",
                                                    arguments: StatementArguments(arguments)).compactMap(AssetID.init))
                var seen = Set<AssetID>()
                let matched = chunk.filter { found.contains($0) && seen.insert($0).inserted }   // in the caller's order
                guard !matched.isEmpty else { continue }
                let (msql, marguments) = Self.owned(matched, owner)
                try db.execute(sql: "UPDATE assets SET \(set) WHERE \(msql)", arguments: StatementArguments(values + marguments))
                changed += matched
            }
            return changed
        }
    }

    func setFavorite(_ ids: [AssetID], _ value: Bool, owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID] {
        try update("marking \(ids.count) favourites", ids, owner: owner, set: "is_favorite = ?, updated_at = ?",
                   [value ? 1 : 0, now.timeIntervalSince1970], condition: "is_favorite <> \(value ? 1 : 0)")
    }

    func setVisibility(_ ids: [AssetID], _ value: AssetVisibility, owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID] {
        try update("changing the visibility of \(ids.count) assets", ids, owner: owner, set: "visibility = ?, updated_at = ?",
                   [value.rawValue, now.timeIntervalSince1970], condition: "visibility <> '\(value.rawValue)'")
    }

    func restore(_ ids: [AssetID], owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID] {
        try update("restoring \(ids.count) assets from the trash", ids, owner: owner, set: "trashed_at = NULL, updated_at = ?",
                   [now.timeIntervalSince1970], condition: "trashed_at IS NOT NULL")
    }

    func trashedAssetIDs(owner: UserID?, before: Date?) throws(MediaStoreError) -> [AssetID] {
        try read("listing the trash") { db in
            var sql = "SELECT id FROM assets WHERE trashed_at IS NOT NULL"
            var arguments: [any DatabaseValueConvertible] = []
            if let owner { sql += " AND owner_id = ?"; arguments.append(owner.description) }
            if let before { sql += " AND trashed_at < ?"; arguments.append(before.timeIntervalSince1970) }
            return try String.fetchAll(db, sql: sql + " ORDER BY trashed_at, rowid", arguments: StatementArguments(arguments))
                .compactMap(AssetID.init)
        }
    }

    /// Deletes trashed assets for good (only those in the trash); returns what went, the objects
    /// no asset refers to any more, and the derived files no record refers to any more (both
    /// to delete from disk after the commit).
    func purge(_ ids: [AssetID], owner: UserID?) throws(MediaStoreError) -> PurgedAssets {
        guard !ids.isEmpty else { return PurgedAssets() }
        return try write("removing \(ids.count) assets from the trash for good") { db in
            var out = PurgedAssets()
            var hashes = Set<Data>()
            var derived = Set<String>()
            for id in ids {
                var sql = "SELECT sha256, external_path FROM assets WHERE id = ? AND trashed_at IS NOT NULL"
                var arguments: [any DatabaseValueConvertible] = [id.description]
                if let owner { sql += " AND owner_id = ?"; arguments.append(owner.description) }
                guard let row = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(arguments)) else { continue }
                let sha: Data = row["sha256"]
                if (row["external_path"] as String?) == nil { hashes.insert(sha) }
                derived.formUnion(try String.fetchAll(db, sql: "SELECT path FROM derived_files WHERE asset_id = ? AND path IS NOT NULL",
                                                      arguments: [id.description]))
                // The sources go too: importing the same file again brings it back.
                try db.execute(sql: "DELETE FROM import_sources WHERE asset_id = ?", arguments: [id.description])
                try db.execute(sql: "DELETE FROM assets WHERE id = ?", arguments: [id.description])
                out.removed.append(id)
            }
            for sha in hashes where try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM assets WHERE sha256 = ? AND external_path IS NULL)",
                                                        arguments: [sha]) ?? false) {
                out.orphanedObjects.append(Hex.text(sha))
            }
            for path in derived.sorted() where try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM derived_files WHERE path = ?)",
                                                                    arguments: [path]) ?? false) {
                out.orphanedDerivedFiles.append(path)
            }
            return out
        }
    }

    /// Applies edits by hand to the owner's assets and locks each edited field.
    func edit(_ ids: [AssetID], _ edits: [ResolvedEdit], owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID] {
        try edit(ids.map { ($0, edits) }, owner: owner, now: now)
    }

    /// Each asset's own edits, all in one transaction.
    func edit(_ changes: [(AssetID, [ResolvedEdit])], owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID] {
        let changes = changes.filter { !$0.1.isEmpty }
        guard !changes.isEmpty else { return [] }
        return try write("editing \(changes.count) assets") { db in
            var changed: [AssetID] = []
            for (id, edits) in changes {
                guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM assets WHERE id = ? AND owner_id = ?"),
                                        arguments: [id.description, owner.description]) == true else { continue }
                for edit in edits {
                    try db.execute(sql: "UPDATE assets SET \(edit.assignments), updated_at = ? WHERE id = ?",
                                   arguments: StatementArguments(edit.values + [now.timeIntervalSince1970, id.description]))
                    try db.execute(sql: """
                        INSERT INTO asset_edits (asset_id, field, value, edited_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (asset_id, field) DO UPDATE SET value = excluded.value, edited_at = excluded.edited_at
                        """, arguments: [id.description, edit.field, edit.json, now.timeIntervalSince1970])
                }
                changed.append(id)
            }
            return changed
        }
    }

    /// The fields of an asset edited by hand (locked), with their values as JSON.
    func lockedFields(of asset: AssetID) throws(MediaStoreError) -> [String: String?] {
        try read("reading the edits of \(asset)") { db in
            var out: [String: String?] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT field, value FROM asset_edits WHERE asset_id = ?", arguments: [asset.description]) {
                out[row["field"]] = .some(row["value"])
            }
            return out
        }
    }

    /// Writes a new reading of an asset's file: every field it covers, except those locked by an edit.
    func updateMetadata(of asset: Asset) throws(MediaStoreError) {
        try write("recording the metadata of \(asset.id)") { db in
            let locked = Set(try String.fetchAll(db, sql: "SELECT field FROM asset_edits WHERE asset_id = ?", arguments: [asset.id.description]))
            let m = asset.metadata
            var edits: [ResolvedEdit] = [
                ResolvedEdit(field: "", assignments: """
                    width = ?, height = ?, pixel_width = ?, pixel_height = ?, orientation = ?, rotation = ?, duration = ?,
                    make = ?, model = ?, lens = ?, f_number = ?, exposure_time = ?, iso = ?, focal_length = ?
                    """, values: [m.width, m.height, m.pixelWidth, m.pixelHeight, m.orientation, m.rotation, m.duration,
                                  m.make, m.model, m.lens, m.fNumber, m.exposureTime, m.iso, m.focalLength], json: nil),
            ]
            if !locked.contains(AssetEdit.Field.capturedAt.rawValue) {
                edits.append(.capturedAt(m.capturedAt, offsetSource: m.sources[.utcOffset]))
            }
            if !locked.contains(AssetEdit.Field.location.rawValue) { edits.append(.location(m.location, place: asset.place)) }
            if !locked.contains(AssetEdit.Field.rating.rawValue) { edits.append(.rating(m.rating)) }
            if !locked.contains(AssetEdit.Field.description.rawValue) { edits.append(.description(m.caption)) }
            for edit in edits {
                try db.execute(sql: "UPDATE assets SET \(edit.assignments) WHERE id = ?",
                               arguments: StatementArguments(edit.values + [asset.id.description]))
            }
        }
    }

    // MARK: Tags

    /// Gives the owner's assets these tags (paths such as `travel/portugal/lisbon`), making the
    /// tags and their parents when missing.
    func tag(_ ids: [AssetID], with paths: [String], owner: UserID) throws(MediaStoreError) -> [AssetID] {
        guard !ids.isEmpty, !paths.isEmpty else { return [] }
        return try write("tagging \(ids.count) assets") { db in
            var tagIDs: [Int64] = []
            for path in paths { tagIDs.append(try Self.ensureTag(path, owner: owner, db)) }
            var changed: [AssetID] = []
            for id in ids {
                guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM assets WHERE id = ? AND owner_id = ?"),
                                        arguments: [id.description, owner.description]) == true else { continue }
                var added = false
                for tag in tagIDs {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO asset_tags (asset_id, tag_id) VALUES (?, ?)")
                        .execute(arguments: [id.description, tag])
                    added = added || db.changesCount > 0
                }
                if added { changed.append(id) }
            }
            return changed
        }
    }

    /// Makes the owner's tag at `path` (and its parents) when missing; `false` when it was there.
    func createTag(_ path: String, owner: UserID) throws(MediaStoreError) -> Bool {
        try write("making the tag \(path)") { db in
            let existed = try Bool.fetchOne(db, sql: "SELECT 1 FROM tags WHERE owner_id = ? AND path = ?", arguments: [owner.description, path]) == true
            _ = try Self.ensureTag(path, owner: owner, db)
            return !existed
        }
    }

    /// The id of the owner's tag at `path`, made (with its parents) when missing.
    private static func ensureTag(_ path: String, owner: UserID, _ db: Database) throws -> Int64 {
        var parent: Int64?
        var prefix = ""
        for name in path.split(separator: "/") {
            prefix = prefix.isEmpty ? String(name) : prefix + "/" + name
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM tags WHERE owner_id = ? AND path = ?", arguments: [owner.description, prefix]) {
                parent = id
                continue
            }
            try db.execute(sql: "INSERT INTO tags (owner_id, parent_id, name, path) VALUES (?, ?, ?, ?)",
                           arguments: [owner.description, parent, String(name), prefix])
            parent = db.lastInsertedRowID
        }
        guard let parent else { throw MediaStoreError(.invalidArgument, "an empty tag") }
        return parent
    }

    /// Takes these tags (and their children) off the owner's assets.
    func untag(_ ids: [AssetID], paths: [String], owner: UserID) throws(MediaStoreError) -> [AssetID] {
        guard !ids.isEmpty, !paths.isEmpty else { return [] }
        return try write("untagging \(ids.count) assets") { db in
            var changed: [AssetID] = []
            for id in ids {
                var removed = false
                for path in paths {
                    try db.execute(sql: """
                        DELETE FROM asset_tags WHERE asset_id = ? AND tag_id IN
                            (SELECT id FROM tags WHERE owner_id = ? AND (path = ? OR substr(path, 1, ?) = ?))
                        """, arguments: [id.description, owner.description, path, path.utf8.count + 1, path + "/"])
                    removed = removed || db.changesCount > 0
                }
                if removed { changed.append(id) }
            }
            return changed
        }
    }

    /// The owner's tags with the number of assets (not in the trash) that carry each one itself.
    func tags(owner: UserID) throws(MediaStoreError) -> [Tag] {
        try read("reading the tags") { db in
            try Row.fetchAll(db, sql: """
                SELECT t.path, t.name, count(a.id) AS n FROM tags t
                LEFT JOIN asset_tags x ON x.tag_id = t.id LEFT JOIN assets a ON a.id = x.asset_id AND a.trashed_at IS NULL
                WHERE t.owner_id = ? GROUP BY t.id ORDER BY t.path
                """, arguments: [owner.description]).map { Tag(path: $0["path"], assetCount: $0["n"]) }
        }
    }

    /// The tag paths of each of these assets, sorted.
    func tagPaths(of ids: [AssetID]) throws(MediaStoreError) -> [AssetID: [String]] {
        guard !ids.isEmpty else { return [:] }
        return try read("reading the tags of \(ids.count) assets") { db in
            var out: [AssetID: [String]] = [:]
            var start = 0
            while start < ids.count {
                let chunk = ids[start..<min(ids.count, start + 500)]
                start += chunk.count
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: """
                    SELECT x.asset_id, t.path FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id IN (\(marks)) ORDER BY t.path
                    """, arguments: StatementArguments(chunk.map(\.description))) {
                    if let id = AssetID(row["asset_id"] as String) { out[id, default: []].append(row["path"]) }
                }
            }
            return out
        }
    }

    /// Deletes the owner's tag at `path` and the tags under it; `false` when there was none.
    func deleteTag(_ path: String, owner: UserID) throws(MediaStoreError) -> [AssetID] {
        try write("deleting the tag \(path)") { db in
            let tagged = try String.fetchAll(db, sql: """
                SELECT DISTINCT x.asset_id FROM asset_tags x JOIN tags t ON t.id = x.tag_id
                WHERE t.owner_id = ? AND (t.path = ? OR substr(t.path, 1, ?) = ?)
                """, arguments: [owner.description, path, path.utf8.count + 1, path + "/"]).compactMap(AssetID.init)
            try db.execute(sql: "DELETE FROM tags WHERE owner_id = ? AND (path = ? OR substr(path, 1, ?) = ?)",
                           arguments: [owner.description, path, path.utf8.count + 1, path + "/"])
            guard db.changesCount > 0 else { throw MediaStoreError(.notFound, "there is no tag \(path)") }
            return tagged
        }
    }

    // MARK: Albums

    func updateAlbum(_ album: AlbumID, owner: UserID, name: String?, description: String?, cover: AssetID??,
                     now: Date) throws(MediaStoreError) {
        try write("changing an album") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM albums WHERE id = ? AND owner_id = ?",
                                    arguments: [album.description, owner.description]) == true else {
                throw MediaStoreError(.notFound, "there is no album \(album)")
            }
            if let name { try db.execute(sql: "UPDATE albums SET name = ? WHERE id = ?", arguments: [name, album.description]) }
            if let description { try db.execute(sql: "UPDATE albums SET description = ? WHERE id = ?", arguments: [description, album.description]) }
            if let cover {
                if let asset = cover, try Bool.fetchOne(db, sql: "SELECT 1 FROM album_assets WHERE album_id = ? AND asset_id = ?",
                                                        arguments: [album.description, asset.description]) != true {
                    throw MediaStoreError(.invalidArgument, "the cover must be one of the album's assets", assetID: asset)
                }
                try db.execute(sql: "UPDATE albums SET cover_asset_id = ? WHERE id = ?", arguments: [cover?.description, album.description])
            }
            try db.execute(sql: "UPDATE albums SET updated_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, album.description])
        }
    }

    func removeAssets(_ ids: [AssetID], fromAlbum album: AlbumID, owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID] {
        try write("taking \(ids.count) assets out of an album") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM albums WHERE id = ? AND owner_id = ?",
                                    arguments: [album.description, owner.description]) == true else {
                throw MediaStoreError(.notFound, "there is no album \(album)")
            }
            var removed: [AssetID] = []
            for id in ids {
                try db.execute(sql: "DELETE FROM album_assets WHERE album_id = ? AND asset_id = ?", arguments: [album.description, id.description])
                if db.changesCount > 0 { removed.append(id) }
            }
            if !removed.isEmpty {
                let marks = Array(repeating: "?", count: removed.count).joined(separator: ",")
                try db.execute(sql: "UPDATE albums SET updated_at = ?, cover_asset_id = CASE WHEN cover_asset_id IN (\(marks)) THEN NULL ELSE cover_asset_id END WHERE id = ?",
                               arguments: StatementArguments([now.timeIntervalSince1970] + removed.map(\.description) + [album.description]))
            }
            return removed
        }
    }

    func deleteAlbum(_ album: AlbumID, owner: UserID) throws(MediaStoreError) -> Bool {
        try write("deleting an album") { db in
            try db.execute(sql: "DELETE FROM albums WHERE id = ? AND owner_id = ?", arguments: [album.description, owner.description])
            return db.changesCount > 0
        }
    }
}

/// What a purge removed.
struct PurgedAssets: Sendable {
    var removed: [AssetID] = []
    var orphanedObjects: [String] = []
    var orphanedDerivedFiles: [String] = []
}

/// An edit turned into column assignments, its lock's field name and its value as JSON.
struct ResolvedEdit: Sendable {
    var field: String
    var assignments: String
    var values: [(any DatabaseValueConvertible & Sendable)?]
    var json: String?

    static func capturedAt(_ capture: CaptureDate?, offsetSource: String? = nil) -> ResolvedEdit {
        let offsetFrom = capture?.offsetSeconds == nil ? nil : (offsetSource ?? capture?.source)
        return ResolvedEdit(field: AssetEdit.Field.capturedAt.rawValue,
                            assignments: "captured_at = ?, local_time = ?, utc_offset = ?, captured_at_source = ?, utc_offset_source = ?",
                            values: [capture?.instant?.timeIntervalSince1970, capture?.local.text, capture?.offsetSeconds, capture?.source, offsetFrom],
                            json: capture.map { ResolvedEdit.json(["local": $0.local.text, "offset": $0.offsetSeconds.map(String.init)]) })
    }

    static func location(_ location: GPSLocation?, place: Place?) -> ResolvedEdit {
        ResolvedEdit(field: AssetEdit.Field.location.rawValue, assignments: """
            latitude = ?, longitude = ?, altitude = ?, city = ?, region = ?, country = ?, country_code = ?, time_zone = ?,
            place_latitude = ?, place_longitude = ?, place_distance = ?
            """, values: [location?.latitude, location?.longitude, location?.altitude, place?.city, place?.region, place?.country,
                          place?.countryCode, place?.timeZone, place?.latitude, place?.longitude, place?.distance],
            json: location.map { ResolvedEdit.json(["latitude": String($0.latitude), "longitude": String($0.longitude)]) })
    }

    static func rating(_ rating: Int?) -> ResolvedEdit {
        ResolvedEdit(field: AssetEdit.Field.rating.rawValue, assignments: "rating = ?", values: [rating], json: rating.map(String.init))
    }

    static func description(_ text: String?) -> ResolvedEdit {
        ResolvedEdit(field: AssetEdit.Field.description.rawValue, assignments: "description = ?", values: [text],
                     json: text.map { ResolvedEdit.json(["text": $0]) })
    }

    static func json(_ values: [String: String?]) -> String {
        let object = values.compactMapValues { $0 }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension SQLiteCatalog {
    /// The owner's assets that something was done to by hand: an edit, a tag, a favourite mark,
    /// the archive or hidden.
    func organisedAssetIDs(owner: UserID) throws(MediaStoreError) -> [AssetID] {
        try read("listing the organised assets") { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM assets a WHERE owner_id = ? AND (is_favorite = 1 OR visibility <> 'timeline'
                    OR EXISTS (SELECT 1 FROM asset_edits e WHERE e.asset_id = a.id) OR EXISTS (SELECT 1 FROM asset_tags t WHERE t.asset_id = a.id))
                ORDER BY rowid
                """, arguments: [owner.description]).compactMap(AssetID.init)
        }
    }
}
