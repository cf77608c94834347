import Foundation
import Hummingbird
import MediaStore
import Synchronization

// Immich's models for organising (issue 7): editing assets, the trash, tags, album changes.
// Field names, required and nullable fields as immichpy 9.2.4's generated models have them.

/// `PUT /api/assets` (`AssetBulkUpdateDto`, with `ids`) and `PUT /api/assets/{id}`
/// (`UpdateAssetDto`). An absent field changes nothing; `"rating": null` (or 0) clears the rating.
/// What MediaKit cannot do yet (`duplicateId`, `livePhotoVideoId`, the
/// `locked` visibility) is refused with 400 rather than ignored.
struct AssetUpdateRequest: Decodable {
    var ids: [String]?
    var isFavorite: Bool?
    var visibility: String?
    /// `nil`: unchanged; `.some(nil)`: cleared.
    var rating: Int??
    var description: String?
    var dateTimeOriginal: String?
    var timeZone: String?
    var latitude: Double?
    var longitude: Double?
    var dateTimeRelative: Int?
    var duplicateId: String?
    var livePhotoVideoId: String?

    enum CodingKeys: String, CodingKey {
        case ids, isFavorite, visibility, rating, description, dateTimeOriginal, timeZone, latitude, longitude
        case dateTimeRelative, duplicateId, livePhotoVideoId
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ids = try c.decodeIfPresent([String].self, forKey: .ids)
        isFavorite = try c.decodeIfPresent(Bool.self, forKey: .isFavorite)
        visibility = try c.decodeIfPresent(String.self, forKey: .visibility)
        if c.contains(.rating) {
            rating = .some(try c.decodeNil(forKey: .rating) ? nil : try c.decode(Int.self, forKey: .rating))
        }
        description = try c.decodeIfPresent(String.self, forKey: .description)
        dateTimeOriginal = try c.decodeIfPresent(String.self, forKey: .dateTimeOriginal)
        timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone)
        latitude = try c.decodeIfPresent(Double.self, forKey: .latitude)
        longitude = try c.decodeIfPresent(Double.self, forKey: .longitude)
        dateTimeRelative = try c.decodeIfPresent(Int.self, forKey: .dateTimeRelative)
        duplicateId = try c.decodeIfPresent(String.self, forKey: .duplicateId)
        livePhotoVideoId = try c.decodeIfPresent(String.self, forKey: .livePhotoVideoId)
    }

    /// What to change, checked whole before anything is changed.
    struct Changes {
        var isFavorite: Bool?
        var visibility: AssetVisibility?
        var edits: [AssetEdit] = []

        var isEmpty: Bool { isFavorite == nil && visibility == nil && edits.isEmpty }
    }

    /// The changes asked for.
    /// - Throws: `ImmichError` 400 naming the field that is out of range or not supported.
    func changes() throws -> Changes {
        if dateTimeRelative != nil, dateTimeOriginal != nil { throw ImmichError(.badRequest, "send dateTimeOriginal or dateTimeRelative, not both") }
        if duplicateId != nil { throw ImmichError(.badRequest, "duplicateId is not supported by this server") }
        if livePhotoVideoId != nil { throw ImmichError(.badRequest, "livePhotoVideoId is not supported by this server") }
        var out = Changes()
        out.isFavorite = isFavorite
        switch visibility {
        case nil: break
        case "locked": throw ImmichError(.badRequest, "visibility locked is not supported by this server (no locked folder)")
        case let name?:
            guard let v = AssetVisibility(rawValue: name) else { throw ImmichError(.badRequest, "visibility must be archive, timeline, hidden or locked") }
            out.visibility = v
        }
        if let rating {
            if let value = rating, !(-1...5).contains(value) { throw ImmichError(.badRequest, "rating must be -1 to 5 or null") }
            // Immich's answer shows ratings 1 to 5 only: 0 is "no rating", as null.
            out.edits.append(.rating(rating == 0 ? nil : rating))
        }
        if let description { out.edits.append(.description(description)) }
        switch (latitude, longitude) {
        case (nil, nil): break
        case let (latitude?, longitude?):
            guard latitude.isFinite, longitude.isFinite, (-90...90).contains(latitude), (-180...180).contains(longitude) else {
                throw ImmichError(.badRequest, "latitude must be -90 to 90 and longitude -180 to 180")
            }
            out.edits.append(.location(GPSLocation(latitude: latitude, longitude: longitude)))
        default:
            throw ImmichError(.badRequest, "latitude and longitude go together")
        }
        if let minutes = dateTimeRelative, minutes != 0 {
            // Immich's shift is in minutes; MediaKit keeps each asset's offset as Immich does.
            guard minutes.magnitude <= 200 * 365 * 24 * 60 else { throw ImmichError(.badRequest, "dateTimeRelative is beyond 200 years") }
            out.edits.append(.shiftCapturedAt(seconds: minutes * 60))
        }
        if let timeZone, dateTimeOriginal == nil || TimeZone(identifier: timeZone) == nil {
            throw ImmichError(.badRequest, dateTimeOriginal == nil ? "timeZone is supported only with dateTimeOriginal"
                                                                    : "timeZone must be an IANA time zone such as Europe/Lisbon")
        }
        if let dateTimeOriginal {
            guard let date = CaptureDate(iso8601: dateTimeOriginal, source: Library.editSource) else {
                throw ImmichError(.badRequest, "dateTimeOriginal must be an ISO 8601 date-time, such as 2019-07-14T20:41:00.000+01:00")
            }
            var offset = date.offsetSeconds
            if offset == nil, let zone = timeZone.flatMap(TimeZone.init(identifier:)) {
                // The zone's offset at that wall-clock time (its offset an hour either side agrees but at a change).
                let guess = Date(timeIntervalSince1970: date.local.secondsSinceEpochAsUTC)
                offset = zone.secondsFromGMT(for: guess.addingTimeInterval(-Double(zone.secondsFromGMT(for: guess))))
            }
            out.edits.append(.capturedAt(date.local.normalizedMilliseconds, offsetSeconds: offset))
        }
        return out
    }
}

extension LocalDateTime {
    /// Without a zero millisecond (`.000` is no fraction).
    var normalizedMilliseconds: LocalDateTime {
        var copy = self
        if copy.millisecond == 0 { copy.millisecond = nil }
        return copy
    }
}

/// `DELETE /api/assets`: `force` removes for good (the trash, then purged); otherwise to the trash.
struct AssetBulkDeleteRequest: Decodable {
    var ids: [String]
    var force: Bool?
}

/// Immich's `TrashResponseDto`: how many assets were restored or removed.
struct TrashResponse: ResponseCodable {
    var count: Int
}

/// `PATCH /api/albums/{id}` (`UpdateAlbumDto`).
struct UpdateAlbumRequest: Decodable {
    var albumName: String?
    var description: String?
    var albumThumbnailAssetId: String?
    var isActivityEnabled: Bool?
    var order: String?
}

/// `POST /api/tags` (`TagCreateDto`): a name under an optional parent.
struct TagCreateRequest: Decodable {
    var name: String
    var parentId: String?
    var color: String?
}

/// `PUT /api/tags/assets` (`TagBulkAssetsDto`).
struct TagBulkAssetsRequest: Decodable {
    var tagIds: [String]
    var assetIds: [String]
}

/// Its answer (`TagBulkAssetsResponseDto`): how many (asset, tag) pairs were made.
struct TagBulkAssetsResponse: ResponseCodable {
    var count: Int
}

/// Immich's `TagResponseDto`: `name` is the last part of the path, `value` the whole path.
struct TagResponse: ResponseCodable {
    var id: String
    var name: String
    var value: String
    var parentId: String?
    var createdAt: Date
    var updatedAt: Date

    /// The tag at `path` of `owner`. MediaKit keeps no dates for tags: both are the owner's
    /// account creation date.
    init(path: String, owner: User) {
        id = TagIdentity.id(owner: owner.id, path: path).uuidString.lowercased()
        name = path.split(separator: "/").last.map(String.init) ?? path
        value = path
        if let slash = path.lastIndex(of: "/") {
            parentId = TagIdentity.id(owner: owner.id, path: String(path[..<slash])).uuidString.lowercased()
        }
        createdAt = owner.createdAt
        updatedAt = owner.createdAt
    }
}

/// Tag ids: MediaKit's tags are paths without ids, so `mediad` names each one by a UUID derived
/// from its owner and path (SHA-256 of both, shaped as a version-4 UUID, which Immich's clients
/// require): the same tag has the same id across restarts, and a tag id resolves by computing
/// the ids of the user's tags.
enum TagIdentity {
    static func id(owner: UserID, path: String) -> UUID {
        let bytes = ContentHash.of(Array("mediad-tag\n\(owner.description)\n\(path)".utf8)).sha256.hexBytes
        var b = Array(bytes.prefix(16))
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}

/// A user's tags with their ids, for resolving the ids in a request.
struct UserTags {
    let owner: User
    /// Path to its asset count.
    let counts: [String: Int]
    let byID: [UUID: String]

    init(owner: User, tags: [Tag]) {
        self.owner = owner
        var counts: [String: Int] = [:]
        for tag in tags { counts[tag.path] = tag.assetCount }
        self.counts = counts
        var byID: [UUID: String] = [:]
        for path in counts.keys { byID[TagIdentity.id(owner: owner.id, path: path)] = path }
        self.byID = byID
    }

    /// The path of the tag with this id text; `nil` when the user has no such tag.
    func path(of id: String) -> String? {
        UUID(uuidString: id).flatMap { byID[$0] }
    }

    /// All of them, by path.
    var responses: [TagResponse] {
        counts.keys.sorted().map { TagResponse(path: $0, owner: owner) }
    }
}
