import MediaCore
import Foundation
import GRDB

/// Maps ``Asset`` to and from the `assets` table.
enum AssetRow {
    /// The columns of an asset row, in the order of ``columns``: a row selected with
    /// ``columns`` first is decoded by position (by name, GRDB lower-cases and compares every
    /// column name for every value, which was most of the cost of reading a month at 1M assets).
    enum Column: Int, CaseIterable {
        // swiftlint:disable identifier_name
        case id, owner_id, sha256, sha1, kind, format, mime_type, size, original_filename, source_path, external_path
        case file_created_at, file_modified_at, captured_at, local_time, utc_offset, captured_at_source, utc_offset_source
        case width, height, pixel_width, pixel_height, orientation, rotation, duration, make, model, lens, f_number
        case exposure_time, iso, focal_length, latitude, longitude, altitude, rating, description, is_favorite, visibility
        case trashed_at, thumbhash, metadata_notes, created_at, updated_at
        case city, region, country, country_code, time_zone, place_latitude, place_longitude, place_distance
        // swiftlint:enable identifier_name
    }

    /// The column list of an asset row (the case names of ``Column``), for SELECT and INSERT.
    static let columns = Column.allCases.map { "\($0)" }.joined(separator: ", ")

    static let insertSQL = "INSERT INTO assets (\(columns)) VALUES ("
        + Array(repeating: "?", count: Column.allCases.count).joined(separator: ",") + ")"

    static func insert(_ a: Asset, _ db: Database) throws {
        let m = a.metadata
        let notesJSON = m.warnings.isEmpty ? nil : (try? JSONEncoder().encode(m.warnings)).map { String(decoding: $0, as: UTF8.self) }
        var externalPath: String?
        if case .external(let path) = a.storage { externalPath = path }
        let capture = m.capturedAt
        let arguments: [(any DatabaseValueConvertible)?] = [
            a.id.description, a.ownerID.description, Hex.blob(a.hash.sha256), Hex.blob(a.hash.sha1),
            a.kind.rawValue, m.format.rawValue, m.mimeType, a.size, a.originalFilename, a.sourcePath, externalPath,
            a.fileCreatedAt?.timeIntervalSince1970, a.fileModifiedAt?.timeIntervalSince1970,
            capture?.instant?.timeIntervalSince1970, capture?.local.text, capture?.offsetSeconds, capture?.source,
            capture?.offsetSeconds == nil ? nil : (m.sources[.utcOffset] ?? capture?.source),
            m.width, m.height, m.pixelWidth, m.pixelHeight, m.orientation, m.rotation, m.duration,
            m.make, m.model, m.lens, m.fNumber, m.exposureTime, m.iso, m.focalLength,
            m.location?.latitude, m.location?.longitude, m.location?.altitude, m.rating, m.caption,
            a.isFavorite, a.visibility.rawValue, a.trashedAt?.timeIntervalSince1970, a.thumbhash.map { Data($0) },
            notesJSON, a.createdAt.timeIntervalSince1970, a.updatedAt.timeIntervalSince1970,
            a.place?.city, a.place?.region, a.place?.country, a.place?.countryCode, a.place?.timeZone,
            a.place?.latitude, a.place?.longitude, a.place?.distance,
        ]
        // A cached statement: parsing a 44-column INSERT costs more than running it.
        let statement = try db.cachedStatement(sql: insertSQL)
        try statement.execute(arguments: StatementArguments(arguments))
    }

    /// Decodes a row selected with ``columns`` first (more columns may follow them).
    static func decode(_ row: Row) throws(MediaStoreError) -> Asset {
        let idText: String = row[.id]
        guard let id = AssetID(idText), let owner = UserID(row[.owner_id] as String),
              let hash = ContentHash(sha256: Hex.text(row[.sha256]), sha1: Hex.text(row[.sha1])) else {
            throw MediaStoreError(.catalog, "the catalog row of asset \(idText) is damaged (id, owner or hash)")
        }
        let formatText: String = row[.format]
        guard let format = MediaFormat(rawValue: formatText) else {
            throw MediaStoreError(.catalog, "asset \(idText) has the unknown format '\(formatText)'")
        }
        var m = MediaMetadata(format: format)
        m.pixelWidth = row[.pixel_width]
        m.pixelHeight = row[.pixel_height]
        m.orientation = row[.orientation]
        m.rotation = row[.rotation]
        if let localText: String = row[.local_time], let local = LocalDateTime(parsing: localText) {
            let offset: Int? = row[.utc_offset]
            let source: String = row[.captured_at_source] ?? "unknown"
            m.capturedAt = CaptureDate(local: local, offsetSeconds: offset, source: source)
            m.sources[.capturedAt] = source
            if let offsetSource: String = row[.utc_offset_source], offsetSource != source { m.sources[.utcOffset] = offsetSource }
        }
        m.make = row[.make]
        m.model = row[.model]
        m.lens = row[.lens]
        m.fNumber = row[.f_number]
        m.exposureTime = row[.exposure_time]
        m.iso = row[.iso]
        m.focalLength = row[.focal_length]
        if let lat: Double = row[.latitude], let lon: Double = row[.longitude] {
            m.location = GPSLocation(latitude: lat, longitude: lon, altitude: row[.altitude])
        }
        m.duration = row[.duration]
        m.rating = row[.rating]
        m.caption = row[.description]
        if let json: String = row[.metadata_notes], let warnings = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) {
            m.warnings = warnings
        }
        let external: String? = row[.external_path]
        var asset = Asset(id: id, ownerID: owner, hash: hash, size: row[.size], originalFilename: row[.original_filename],
                          metadata: m, storage: external.map { .external(path: $0) } ?? .managed,
                          sourcePath: row[.source_path], createdAt: Date(timeIntervalSince1970: row[.created_at]))
        asset.updatedAt = Date(timeIntervalSince1970: row[.updated_at])
        asset.fileCreatedAt = (row[.file_created_at] as Double?).map(Date.init(timeIntervalSince1970:))
        asset.fileModifiedAt = (row[.file_modified_at] as Double?).map(Date.init(timeIntervalSince1970:))
        asset.isFavorite = row[.is_favorite]
        asset.visibility = AssetVisibility(rawValue: row[.visibility]) ?? .timeline
        asset.trashedAt = (row[.trashed_at] as Double?).map(Date.init(timeIntervalSince1970:))
        asset.thumbhash = (row[.thumbhash] as Data?).map { [UInt8]($0) }
        asset.place = place(row)
        return asset
    }
}

extension AssetRow {
    /// The place columns of a row, when it has a place.
    static func place(_ row: Row) -> Place? {
        guard let city: String = row[.city], let code: String = row[.country_code], let country: String = row[.country],
              let lat: Double = row[.place_latitude], let lon: Double = row[.place_longitude] else { return nil }
        return Place(city: city, region: row[.region], countryCode: code, country: country, timeZone: row[.time_zone] ?? "",
                     latitude: lat, longitude: lon, distance: row[.place_distance] ?? 0)
    }
}

private extension Row {
    /// The value of an asset column, by its position (`Value` may be an optional, nil for NULL).
    subscript<Value: DatabaseValueConvertible>(_ column: AssetRow.Column) -> Value {
        self[column.rawValue]
    }
}

/// Lower-case hex text ↔ BLOB for hashes.
enum Hex {
    static func blob(_ hex: String) -> Data { Data(HexCoding.decode(hex.utf8)) }

    static func text(_ data: Data?) -> String { data.map { HexCoding.encode($0) } ?? "" }
}
