import Foundation
import GRDB
import MediaCore

/// Searching the `assets` table: one SQL statement per page, built from the query's filters,
/// ordered by local capture time with the row id breaking ties (keyset pagination: a page
/// costs the same however deep it is).
extension SQLiteCatalog {
    /// The SQL function `mediakit_distance(lat1, lon1, lat2, lon2)`: metres along a great circle.
    static let distanceFunction = DatabaseFunction("mediakit_distance", argumentCount: 4, pure: true) { values in
        guard let lat1 = Double.fromDatabaseValue(values[0]), let lon1 = Double.fromDatabaseValue(values[1]),
              let lat2 = Double.fromDatabaseValue(values[2]), let lon2 = Double.fromDatabaseValue(values[3]) else { return nil }
        return GeoArea.distance(latitude: lat1, longitude: lon1, latitude: lat2, longitude: lon2)
    }

    func search(_ query: AssetQuery, owner: UserID, after cursor: SearchCursor?, skipping offset: Int,
                limit: Int) throws(MediaStoreError) -> AssetPage {
        // Two ordered scans, so that each can walk an index on (owner, local time) instead of
        // sorting every match: assets with a capture time, then those without (by row id).
        let direction = query.order == .newestFirst ? "DESC" : "ASC"
        var filter = SearchSQL(owner: owner)
        filter.add(query)
        let rows = try read("searching the assets") { db -> [Row] in
            var rows: [Row] = []
            var skip = offset
            if cursor?.localTime != nil || cursor == nil {
                var dated = filter
                dated.add("local_time IS NOT NULL")
                dated.add(cursor, order: query.order)
                rows = try Row.fetchAll(db, sql: """
                    SELECT rowid AS r, \(AssetRow.columns) FROM assets WHERE \(dated.conditions.joined(separator: " AND "))
                    ORDER BY local_time \(direction), rowid \(direction) LIMIT ? OFFSET ?
                    """, arguments: StatementArguments(dated.arguments + [limit + 1, skip]))
                if rows.count > limit { return rows }
                if skip > 0 {
                    // Rows skipped among the dated ones come off the offset of the undated ones.
                    let dated = rows.isEmpty
                        ? try Int.fetchOne(db, sql: "SELECT count(*) FROM assets WHERE \(dated.conditions.joined(separator: " AND "))",
                                           arguments: StatementArguments(dated.arguments)) ?? 0
                        : skip + rows.count
                    skip = max(0, skip - dated)
                }
            }
            var undated = filter
            undated.add("local_time IS NULL")
            if let cursor, cursor.localTime == nil { undated.add(cursor, order: query.order) }
            rows += try Row.fetchAll(db, sql: """
                SELECT rowid AS r, \(AssetRow.columns) FROM assets WHERE \(undated.conditions.joined(separator: " AND "))
                ORDER BY rowid \(direction) LIMIT ? OFFSET ?
                """, arguments: StatementArguments(undated.arguments + [limit + 1 - rows.count, skip]))
            return rows
        }
        var assets: [Asset] = []
        assets.reserveCapacity(min(rows.count, limit))
        for row in rows.prefix(limit) { assets.append(try AssetRow.decode(row)) }
        var next: SearchCursor?
        if rows.count > limit, let last = rows.prefix(limit).last {
            next = SearchCursor(localTime: last["local_time"], row: last["r"], order: query.order)
        }
        return AssetPage(assets: assets, next: next)
    }

    /// The assets with these ids, in the order given (ids without an asset left out), read in
    /// one query per 500 ids.
    func assets(_ ids: [AssetID]) throws(MediaStoreError) -> [Asset] {
        guard !ids.isEmpty else { return [] }
        let rows = try read("reading \(ids.count) assets") { db in
            var rows: [Row] = []
            rows.reserveCapacity(ids.count)
            var start = 0
            while start < ids.count {
                let chunk = ids[start..<min(ids.count, start + 500)]
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                rows += try Row.fetchAll(db, sql: "SELECT \(AssetRow.columns) FROM assets WHERE id IN (\(marks))",
                                         arguments: StatementArguments(chunk.map(\.description)))
                start += chunk.count
            }
            return rows
        }
        var byID: [AssetID: Asset] = [:]
        byID.reserveCapacity(rows.count)
        for row in rows {
            let asset = try AssetRow.decode(row)
            byID[asset.id] = asset
        }
        return ids.compactMap { byID[$0] }
    }
}

/// A search's WHERE conditions and their arguments.
struct SearchSQL {
    private(set) var conditions: [String] = []
    private(set) var arguments: [any DatabaseValueConvertible] = []

    private let owner: String

    init(owner: UserID) {
        self.owner = owner.description
        add("owner_id = ?", owner.description)
    }

    mutating func add(_ condition: String, _ values: any DatabaseValueConvertible...) {
        conditions.append(condition)
        arguments += values
    }

    mutating func add(_ q: AssetQuery) {
        switch q.trash {
        case .exclude: add("trashed_at IS NULL")
        case .only: add("trashed_at IS NOT NULL")
        case .include: break
        }
        if q.visibility.count < AssetVisibility.allCases.count {
            // Literal names (the enum's own), so that the planner can use the partial timeline index.
            let names = q.visibility.map { "'\($0.rawValue)'" }.sorted()
            add(names.isEmpty ? "0" : names.count == 1 ? "visibility = \(names[0])" : "visibility IN (\(names.joined(separator: ",")))")
        }
        if let from = q.takenFrom { add("local_time >= ?", from.text) }
        if let before = q.takenBefore { add("local_time < ?", before.text) }
        if let make = q.make { add("make = ? COLLATE NOCASE", make) }
        if let model = q.model { add("model = ? COLLATE NOCASE", model) }
        if let lens = q.lens { add("lens = ? COLLATE NOCASE", lens) }
        if let kind = q.kind { add("kind = ?", kind.rawValue) }
        if let name = q.filename, !name.isEmpty { add("original_filename LIKE ? ESCAPE '\\'", "%" + Self.likeEscaped(name) + "%") }
        if let favorite = q.isFavorite { add("is_favorite = ?", favorite ? 1 : 0) }
        if let ratings = q.ratings { add("rating BETWEEN ? AND ?", ratings.lowerBound, ratings.upperBound) }
        for album in q.albums { add("id IN (SELECT asset_id FROM album_assets WHERE album_id = ?)", album.description) }
        if let city = q.city { add("city = ? COLLATE NOCASE", city) }
        if let region = q.region { add("region = ? COLLATE NOCASE", region) }
        if let text = q.description, !text.isEmpty { add("description LIKE ? ESCAPE '\\'", "%" + Self.likeEscaped(text) + "%") }
        if let country = q.country { add("(country = ? COLLATE NOCASE OR country_code = upper(?))", country, country) }
        for tag in q.tags {
            let path = Tag.normalized(tag) ?? tag
            add("""
                id IN (SELECT x.asset_id FROM asset_tags x JOIN tags t ON t.id = x.tag_id
                       WHERE t.owner_id = ? AND (t.path = ? OR substr(t.path, 1, ?) = ?))
                """, owner, path, path.utf8.count + 1, path + "/")
        }
        if let text = q.text {
            let match = Self.ftsQuery(text)
            if match.isEmpty { add("0") } else { add("rowid IN (SELECT rowid FROM asset_text WHERE asset_text MATCH ?)", match) }
        }
        if let area = q.area {
            let box = area.boundingBox
            add("latitude BETWEEN ? AND ?", box.south, box.north)
            if box.west <= box.east {
                add("longitude BETWEEN ? AND ?", box.west, box.east)
            } else {
                add("(longitude >= ? OR longitude <= ?)", box.west, box.east)
            }
            if case .radius(let lat, let lon, let meters) = area {
                add("mediakit_distance(latitude, longitude, ?, ?) <= ?", lat, lon, meters)
            }
        }
    }

    /// Keyset pagination: the rows after `cursor` in the order, within its part (dated or undated).
    mutating func add(_ cursor: SearchCursor?, order: AssetQuery.Order) {
        guard let cursor else { return }
        let beyond = order == .newestFirst ? "<" : ">"
        if let time = cursor.localTime {
            add("(local_time \(beyond) ? OR (local_time = ? AND rowid \(beyond) ?))", time, time, cursor.row)
        } else {
            add("rowid \(beyond) ?", cursor.row)
        }
    }

    /// Free text as an FTS5 query: each word (letters and digits) quoted as a prefix, all
    /// required; `""` when there is no word (nothing matches).
    static func ftsQuery(_ text: String) -> String {
        text.split { !$0.isLetter && !$0.isNumber }.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// `text` with LIKE's wildcards (and the escape character) escaped by a backslash.
    static func likeEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
