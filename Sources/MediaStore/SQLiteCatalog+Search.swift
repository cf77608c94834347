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
        let rows = try read("searching the assets") { db -> [Row] in
            let filter = try SearchSQL(query, owner: owner, db)
            var rows: [Row] = []
            var skip = offset
            if cursor?.localTime != nil || cursor == nil {
                var dated = filter
                dated.add("local_time IS NOT NULL")
                dated.add(cursor, order: query.order)
                rows = try Row.fetchAll(db, sql: """
                    SELECT \(AssetRow.columns), rowid AS r FROM \(filter.source) WHERE \(dated.conditions.joined(separator: " AND "))
                    ORDER BY local_time \(direction), rowid \(direction) LIMIT ? OFFSET ?
                    """, arguments: StatementArguments(dated.arguments + [limit + 1, skip]))
                if rows.count > limit { return rows }
                if skip > 0 {
                    // Rows skipped among the dated ones come off the offset of the undated ones.
                    let dated = rows.isEmpty
                        ? try Int.fetchOne(db, sql: "SELECT count(*) FROM \(filter.source) WHERE \(dated.conditions.joined(separator: " AND "))",
                                           arguments: StatementArguments(dated.arguments)) ?? 0
                        : skip + rows.count
                    skip = max(0, skip - dated)
                }
            }
            var undated = filter
            undated.add("local_time IS NULL")
            if let cursor, cursor.localTime == nil { undated.add(cursor, order: query.order) }
            rows += try Row.fetchAll(db, sql: """
                SELECT \(AssetRow.columns), rowid AS r FROM \(filter.source) WHERE \(undated.conditions.joined(separator: " AND "))
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

/// A search's WHERE conditions and their arguments, and the table clause that steers SQLite's
/// planner to the plan that suits the query (the results never depend on it):
///
/// - By default, an index that returns the owner's assets in capture order, so that a page
///   stops after `limit` matches: `assets_owner_time` (or the timeline's; `assets_favorites`
///   for the favourites), or, when the query names a camera, lens or place, the index of that
///   column with `local_time` after it, named with `INDEXED BY` (`assets_model`, `assets_lens`,
///   `assets_city`, `assets_region`, `assets_country`, `assets_country_code`, `assets_make`:
///   the most selective one; the others are written `+column`).
/// - A part of the file name or description: `assets_names`, which holds both columns in
///   capture order (SQLite tests them there and reads the table row only of a match), unless a
///   column index above has few rows for the value.
/// - A part of a file name can also give a set: the names with a token it must start
///   (`asset_text`, for `IMG_4711`'s "4711"), or else, for 3 characters or more, the names
///   with its trigrams (`asset_name_trigrams`, for `DSCF4711` or `0704`).
/// - When an album, a tag, the free text, a file-name part or the area holds at most
///   ``drivingLimit`` assets (``fileNamePartLimit`` for trigram matches; counted first, reading
///   at most that many index entries): the query starts from that set
///   (row ids, or `assets_position` for an area) and sorts it. A scan in capture order would
///   read the whole timeline before it found the few (often taken the same week, years ago).
/// - A larger set is left to the scan in capture order (it finds a page after about
///   `limit × total / set` rows), its condition written so that SQLite does not sort it whole.
struct SearchSQL {
    private(set) var conditions: [String] = []
    private(set) var arguments: [any DatabaseValueConvertible] = []
    /// The table clause: `assets`; with `INDEXED BY` the index of a column the query names, or
    /// `assets_position` (a small area drives the query); or with `NOT INDEXED` (the row ids of
    /// a small set drive it).
    private(set) var source = "assets"

    private let owner: String

    /// The most assets an album, tag, free text or area may hold for the query to start from
    /// it (then sort them): sorting 10,000 rows costs about what a scan in capture order costs
    /// to find a page among 10,000 assets spread over a million.
    static let drivingLimit = 10_000

    /// The most assets a file-name part's trigram matches may hold for them to drive the query
    /// (measured at a million assets: counting and reading them costs about 5 µs each).
    static let fileNamePartLimit = 1_500

    /// The conditions of `q` for `owner`; `db` answers the counts that choose the plan.
    init(_ q: AssetQuery, owner: UserID, _ db: Database) throws {
        self.owner = owner.description
        add("owner_id = ?", owner.description)
        try add(q, db)
    }

    mutating func add(_ condition: String, _ values: any DatabaseValueConvertible...) {
        conditions.append(condition)
        arguments += values
    }

    /// A filter that gives a set of assets, which may drive the query.
    private enum SetFilter {
        case album(String)
        case tag(String)
        case text(String)
        /// An FTS5 query over the `filename` column that every file name containing the part
        /// matches (``fileNameTokens(_:)``): a set that only ever drives the query, beside the
        /// LIKE that decides.
        case fileName(String)
        /// A LIKE pattern (`%part%`, the part's own `%` and `_` left as wildcards: a superset)
        /// over the trigram index `asset_name_trigrams`, for a part that has no token to look
        /// up: like ``fileName(_:)``, it only ever drives the query.
        case fileNamePart(String)
        case area(GeoArea)
    }

    private mutating func add(_ q: AssetQuery, _ db: Database) throws {
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

        // Columns indexed with local_time after them, most selective first: the first one present
        // is looked up in its index (named, or SQLite prefers the range of a time index when the
        // query has dates too), the others are written `+column` (the same comparison, which
        // SQLite never looks up in an index: `+` keeps the column's collation, both sides are TEXT).
        var indexed: [IndexedCondition] = []
        if let model = q.model { indexed.append(.init("model", "assets_model", model)) }
        if let lens = q.lens { indexed.append(.init("lens", "assets_lens", lens)) }
        if let city = q.city { indexed.append(.init("city", "assets_city", city)) }
        if let region = q.region { indexed.append(.init("region", "assets_region", region)) }
        if let country = q.country { indexed.append(try countryCondition(country, db)) }
        if let make = q.make { indexed.append(.init("make", "assets_make", make)) }
        for (n, condition) in indexed.enumerated() {
            conditions.append(n == 0 ? condition.plain : condition.steered)
            arguments += condition.values
        }
        // A part of the file name or description reads every row until a page is found: in
        // `assets_names` (both columns are in it, in capture order, about 20 times faster than
        // reading the table row of each), unless the value of a column index holds few rows.
        let parts = (q.filename?.isEmpty == false) || (q.description?.isEmpty == false)
        if let first = indexed.first, let index = first.index {
            let few = try !parts || self.count(first.plain, first.values, in: index, upTo: Self.drivingLimit + 1, db) <= Self.drivingLimit
            source = few ? "assets INDEXED BY \(index)" : "assets INDEXED BY assets_names"
        } else if parts {
            source = "assets INDEXED BY assets_names"
        }

        if let kind = q.kind { add("kind = ?", kind.rawValue) }
        if let name = q.filename, !name.isEmpty { add("original_filename LIKE ? ESCAPE '\\'", "%" + Self.likeEscaped(name) + "%") }
        // A literal, so that the partial index of the favourites applies.
        if let favorite = q.isFavorite { add(favorite ? "is_favorite = 1" : "is_favorite = 0") }
        if let ratings = q.ratings { add("rating BETWEEN ? AND ?", ratings.lowerBound, ratings.upperBound) }
        if let text = q.description, !text.isEmpty { add("description LIKE ? ESCAPE '\\'", "%" + Self.likeEscaped(text) + "%") }

        var sets: [SetFilter] = q.albums.map { .album($0.description) }
        for tag in q.tags { sets.append(.tag(Tag.normalized(tag) ?? tag)) }
        if let text = q.text {
            let match = Self.ftsQuery(text)
            if match.isEmpty { add("0") } else { sets.append(.text(match)) }
        }
        if let area = q.area { sets.append(.area(area)) }
        if let name = q.filename {
            if let match = Self.fileNameTokens(name) {
                sets.append(.fileName(match))
            } else if name.split(whereSeparator: { $0 == "%" || $0 == "_" }).contains(where: { $0.count >= 3 }) {
                // SQLite hands LIKE to the trigram index only without ESCAPE, and the index
                // helps only with 3 characters or more between wildcards.
                sets.append(.fileNamePart("%" + name + "%"))
            }
        }
        // The smallest set, if it is small, drives the query.
        var driver: Int?
        var smallest = Self.drivingLimit + 1
        for (n, set) in sets.enumerated() {
            // A file-name part's trigram matches cost more to count and to read than the scan
            // of `assets_names` (about 0.13 µs a name) costs to find a page among them, once
            // there are more than ``fileNamePartLimit``.
            let cap = if case .fileNamePart = set { min(smallest, Self.fileNamePartLimit + 1) } else { smallest }
            let count = try self.count(set, upTo: cap, db)
            if count < cap {
                smallest = count
                driver = n
            }
        }
        for (n, set) in sets.enumerated() { add(set, drives: n == driver) }
    }

    /// A condition on a column with an index (owner_id, column, local_time).
    private struct IndexedCondition {
        /// The condition as SQLite may look it up in `index`.
        var plain: String
        /// The same condition that SQLite does not look up in an index.
        var steered: String
        var values: [any DatabaseValueConvertible]
        /// The index that serves `plain`, if one does alone.
        var index: String?

        /// `column = ? COLLATE NOCASE`.
        init(_ column: String, _ index: String, _ value: String) {
            plain = "\(column) = ? COLLATE NOCASE"
            steered = "+\(column) = ? COLLATE NOCASE"
            values = [value]
            self.index = index
        }

        init(plain: String, steered: String, values: [any DatabaseValueConvertible], index: String?) {
            self.plain = plain
            self.steered = steered
            self.values = values
            self.index = index
        }
    }

    /// The country condition: the English name or the ISO code. A code is two characters (the
    /// schema checks it, and `upper` keeps the length), so a longer or shorter value can only
    /// be a name; two characters are a code unless the owner has a country of that name.
    private func countryCondition(_ country: String, _ db: Database) throws -> IndexedCondition {
        if country.unicodeScalars.count != 2 { return IndexedCondition("country", "assets_country", country) }
        let named = try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM assets INDEXED BY assets_country WHERE owner_id = ? AND country = ? COLLATE NOCASE LIMIT 1
            """), arguments: [owner, country]) ?? false
        if !named {
            return IndexedCondition(plain: "country_code = upper(?)", steered: "+country_code = upper(?)", values: [country],
                                    index: "assets_country_code")
        }
        return IndexedCondition(plain: "(country = ? COLLATE NOCASE OR country_code = upper(?))",
                                steered: "(+country = ? COLLATE NOCASE OR +country_code = upper(?))", values: [country, country], index: nil)
    }

    /// How many of the owner's assets (any visibility, trashed or not) meet `condition` in
    /// `index`, counting no further than `limit`.
    private func count(_ condition: String, _ values: [any DatabaseValueConvertible], in index: String, upTo limit: Int,
                       _ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) FROM (SELECT 1 FROM assets INDEXED BY \(index) WHERE owner_id = ? AND \(condition) LIMIT ?)
            """), arguments: StatementArguments([owner] + values + [limit])) ?? 0
    }

    /// How many assets `set` holds (of any owner, trashed or not: an upper bound), counting no
    /// further than `limit`.
    private func count(_ set: SetFilter, upTo limit: Int, _ db: Database) throws -> Int {
        let (sql, arguments): (String, StatementArguments)
        switch set {
        case .album(let album):
            (sql, arguments) = ("SELECT asset_id FROM album_assets WHERE album_id = ?", [album])
        case .tag(let path):
            (sql, arguments) = ("""
                SELECT x.asset_id FROM asset_tags x JOIN tags t ON t.id = x.tag_id
                WHERE t.owner_id = ? AND (t.path = ? OR substr(t.path, 1, ?) = ?)
                """, [owner, path, path.utf8.count + 1, path + "/"])
        case .text(let match), .fileName(let match):
            (sql, arguments) = ("SELECT rowid FROM asset_text WHERE asset_text MATCH ?", [match])
        case .fileNamePart(let pattern):
            (sql, arguments) = ("SELECT rowid FROM asset_name_trigrams WHERE filename LIKE ?", [pattern])
        case .area(let area):
            let box = area.boundingBox
            let longitude = box.west <= box.east ? "longitude BETWEEN ? AND ?" : "(longitude >= ? OR longitude <= ?)"
            (sql, arguments) = ("""
                SELECT 1 FROM assets INDEXED BY assets_position WHERE owner_id = ? AND latitude BETWEEN ? AND ? AND \(longitude)
                """, [owner, box.south, box.north, box.west, box.east])
        }
        return try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM (\(sql) LIMIT ?)"),
                                arguments: arguments + [limit]) ?? 0
    }

    /// The condition of a set filter: written so that SQLite starts from it (`drives`), or so
    /// that it only checks it, row by row of the scan in capture order (`+` before the column
    /// keeps SQLite from looking the set up by id and sorting it whole).
    private mutating func add(_ set: SetFilter, drives: Bool) {
        switch set {
        case .album(let album):
            if drives {
                source = "assets NOT INDEXED"
                add("rowid IN (SELECT a.rowid FROM album_assets x JOIN assets a ON a.id = x.asset_id WHERE x.album_id = ?)", album)
            } else {
                add("+id IN (SELECT asset_id FROM album_assets WHERE album_id = ?)", album)
            }
        case .tag(let path):
            let tagged = """
                SELECT x.asset_id FROM asset_tags x JOIN tags t ON t.id = x.tag_id
                       WHERE t.owner_id = ? AND (t.path = ? OR substr(t.path, 1, ?) = ?)
                """
            if drives {
                source = "assets NOT INDEXED"
                add("rowid IN (SELECT a.rowid FROM assets a WHERE a.id IN (\(tagged)))", owner, path, path.utf8.count + 1, path + "/")
            } else {
                add("+id IN (\(tagged))", owner, path, path.utf8.count + 1, path + "/")
            }
        case .fileName(let match):
            // Without it, the LIKE alone decides (it is only a shortcut to the few candidates).
            guard drives else { return }
            source = "assets NOT INDEXED"
            add("rowid IN (SELECT rowid FROM asset_text WHERE asset_text MATCH ?)", match)
        case .fileNamePart(let pattern):
            guard drives else { return }
            source = "assets NOT INDEXED"
            add("rowid IN (SELECT rowid FROM asset_name_trigrams WHERE filename LIKE ?)", pattern)
        case .text(let match):
            if drives { source = "assets NOT INDEXED" }
            add("\(drives ? "" : "+")rowid IN (SELECT rowid FROM asset_text WHERE asset_text MATCH ?)", match)
        case .area(let area):
            if drives { source = "assets INDEXED BY assets_position" }
            let box = area.boundingBox
            let plus = drives ? "" : "+"
            add("\(plus)latitude BETWEEN ? AND ?", box.south, box.north)
            if box.west <= box.east {
                add("\(plus)longitude BETWEEN ? AND ?", box.west, box.east)
            } else {
                add("(\(plus)longitude >= ? OR \(plus)longitude <= ?)", box.west, box.east)
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
            // The first term repeats what the second implies, as a range an index can seek to.
            add("local_time \(beyond)= ? AND (local_time \(beyond) ? OR (local_time = ? AND rowid \(beyond) ?))", time, time, time, cursor.row)
        } else {
            add("rowid \(beyond) ?", cursor.row)
        }
    }

    /// Free text as an FTS5 query: each word (letters and digits) quoted as a prefix, all
    /// required; `""` when there is no word (nothing matches).
    static func ftsQuery(_ text: String) -> String {
        text.split { !$0.isLetter && !$0.isNumber }.map { "\"\($0)\"*" }.joined(separator: " ")
    }

    /// An FTS5 query that every asset whose file name contains `part` (LIKE: ASCII case
    /// ignored) matches, or `nil` when there is none to make. `asset_text` holds each file name
    /// as `unicode61` tokens: runs of letters and digits, anything else separates them. A run of
    /// `part` that follows a separator inside `part` starts a token of the file name, so each
    /// such run is a token prefix there (`IMG_4711` → `filename : "4711"*`); a run at the very
    /// start may be the end of a longer token and says nothing. ASCII only (beyond it, the
    /// tokenizer's categories and diacritics would have to be followed exactly).
    static func fileNameTokens(_ part: String) -> String? {
        guard part.unicodeScalars.allSatisfy(\.isASCII) else { return nil }
        var runs: [String] = []
        var current = ""
        var afterSeparator = false
        for c in part.unicodeScalars {
            if (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") {
                current.unicodeScalars.append(c)
            } else {
                if afterSeparator, !current.isEmpty { runs.append(current) }
                current = ""
                afterSeparator = true
            }
        }
        if afterSeparator, !current.isEmpty { runs.append(current) }
        guard !runs.isEmpty else { return nil }
        return runs.map { "filename : \"\($0)\"*" }.joined(separator: " AND ")
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
