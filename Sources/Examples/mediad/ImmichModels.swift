import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import MediaStore

// Immich's response models (field names and types from its OpenAPI spec, as the `immich` and
// `immich-python-sdk` packages on PyPI generate them), filled in from the library's values.

/// `GET /api/server/ping`.
struct ServerPingResponse: ResponseCodable {
    var res: String
}

/// `GET /api/server/version`.
struct ServerVersionResponse: ResponseCodable {
    var major: Int
    var minor: Int
    var patch: Int
}

/// `GET /api/server/media-types`: extensions with their dot.
struct ServerMediaTypesResponse: ResponseCodable {
    var image: [String]
    var sidecar: [String]
    var video: [String]
}

/// `GET /api/server/about` (its optional fields left out).
struct ServerAboutResponse: ResponseCodable {
    var version: String
    var versionUrl: String
    var licensed: Bool
    var repository: String?
}

/// `GET /api/users/me`: Immich's `UserAdminResponseDto`.
struct UserAdminResponse: ResponseCodable {
    var id: String
    var name: String
    var email: String
    var isAdmin: Bool
    var avatarColor = "primary"
    var createdAt: Date
    var updatedAt: Date
    var profileChangedAt: Date
    @NullEncoded var deletedAt: Date? = nil
    @NullEncoded var license: String? = nil
    var oauthId = ""
    var profileImagePath = ""
    @NullEncoded var quotaSizeInBytes: Int? = nil
    @NullEncoded var quotaUsageInBytes: Int? = nil
    var shouldChangePassword = false
    var status = "active"
    @NullEncoded var storageLabel: String? = nil
    /// Immich 2 requires a cluster group; MediaKit has no clusters, so each user is their own.
    var clusterGroupId: String

    init(_ user: User) {
        id = user.id.description
        clusterGroupId = user.id.description
        name = user.name
        email = UserResponse.email(of: user)
        isAdmin = user.isAdmin
        createdAt = user.createdAt
        updatedAt = user.createdAt
        profileChangedAt = user.createdAt
    }
}

/// `POST /api/assets/bulk-upload-check`: checksums (SHA-1, hex or base64) under the client's ids.
struct AssetBulkUploadCheckRequest: Decodable {
    struct Item: Decodable {
        var id: String
        var checksum: String
    }
    var assets: [Item]
}

/// Its answer: `accept`, or `reject` with reason `duplicate` and the asset that has the bytes.
struct AssetBulkUploadCheckResponse: ResponseCodable {
    struct Result: Codable {
        var id: String
        var action: String
        var reason: String?
        var assetId: String?
        var isTrashed: Bool?
    }
    var results: [Result]
}

/// `POST /api/assets`: the asset and whether it is new (`created`, 201) or was there (`duplicate`, 200).
struct AssetMediaResponse: ResponseCodable {
    var id: String
    var status: String
}

/// `GET /api/assets/{id}`: Immich's `AssetResponseDto` (the fields its clients require; the
/// nullable ones written as `null`).
struct AssetResponse: ResponseCodable {
    var id: String
    var ownerId: String
    var deviceAssetId: String
    var deviceId: String
    var type: String
    var originalFileName: String
    @NullEncoded var originalMimeType: String?
    var originalPath = ""
    var checksum: String
    @NullEncoded var thumbhash: String?
    @NullEncoded var width: Int?
    @NullEncoded var height: Int?
    /// Milliseconds, for videos; `null` for still images (Immich 2's `duration`).
    @NullEncoded var duration: Int?
    var visibility: String
    var isFavorite: Bool
    var isArchived: Bool
    var isTrashed: Bool
    var isOffline = false
    var isEdited = false
    var hasMetadata = true
    var createdAt: Date
    var updatedAt: Date
    var fileCreatedAt: Date
    var fileModifiedAt: Date
    var localDateTime: Date
    @NullEncoded var libraryId: String? = nil
    @NullEncoded var livePhotoVideoId: String? = nil
    @NullEncoded var duplicateId: String? = nil
    var exifInfo: ExifResponse
    /// The asset's tags (on `GET /api/assets/{id}` and the answers of edits; left out elsewhere).
    var tags: [TagResponse]?

    init(_ asset: Asset, source: UploadSource?, tags: [TagResponse]? = nil) {
        exifInfo = ExifResponse(asset)
        self.tags = tags
        id = asset.id.description
        ownerId = asset.ownerID.description
        deviceAssetId = source?.deviceAssetID ?? asset.originalFilename
        deviceId = source?.deviceID ?? "mediakit-import"
        type = asset.kind == .video ? "VIDEO" : "IMAGE"
        originalFileName = asset.originalFilename
        originalMimeType = asset.metadata.mimeType
        checksum = Data(asset.hash.sha1.hexBytes).base64EncodedString()
        thumbhash = asset.thumbhash.map { Data($0).base64EncodedString() }
        width = asset.metadata.width
        height = asset.metadata.height
        duration = Self.milliseconds(asset)
        visibility = asset.visibility.rawValue
        isFavorite = asset.isFavorite
        isArchived = asset.visibility == .archive
        isTrashed = asset.trashedAt != nil
        createdAt = asset.createdAt
        updatedAt = asset.updatedAt
        let capture = asset.metadata.capturedAt
        fileCreatedAt = asset.fileCreatedAt ?? capture?.instant ?? asset.createdAt
        fileModifiedAt = asset.fileModifiedAt ?? fileCreatedAt
        // Immich's localDateTime: the wall-clock time of the capture, written as if it were UTC.
        localDateTime = capture.flatMap { Self.wallClock($0.local) } ?? fileCreatedAt
    }

    /// A video's duration in milliseconds; `nil` for a still image (or an unknown duration).
    static func milliseconds(_ asset: Asset) -> Int? {
        guard asset.kind == .video, let seconds = asset.metadata.duration, seconds.isFinite, seconds >= 0 else { return nil }
        return Int(min(Double(Int32.max), (seconds * 1000).rounded()))
    }

    static func wallClock(_ local: LocalDateTime) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(year: local.year, month: local.month, day: local.day, hour: local.hour,
                                        minute: local.minute, second: local.second, nanosecond: (local.millisecond ?? 0) * 1_000_000)
        return calendar.date(from: components)
    }
}

/// Immich's `ExifResponseDto`: what the file's metadata says, with edits by hand and the place
/// named from the position (absent values left out).
struct ExifResponse: Codable {
    var make: String?
    var model: String?
    var lensModel: String?
    var fNumber: Double?
    var exposureTime: String?
    var iso: Int?
    var focalLength: Double?
    var latitude: Double?
    var longitude: Double?
    var exifImageWidth: Int?
    var exifImageHeight: Int?
    var fileSizeInByte: Int64
    var orientation: String?
    var description: String?
    /// 1 to 5 stars (Immich's model allows no other value: unrated, 0 and rejected are left out).
    var rating: Int?
    var city: String?
    /// The region (state, province).
    var state: String?
    var country: String?
    /// The capture instant (the wall clock read as UTC when the offset is unknown).
    var dateTimeOriginal: Date?
    /// The place's IANA zone when its offset at that instant is the capture's, else `UTC±HH:MM`.
    var timeZone: String?

    init(_ asset: Asset) {
        let m = asset.metadata
        make = m.make
        model = m.model
        lensModel = m.lens
        fNumber = m.fNumber
        exposureTime = m.exposureTime.map { $0 >= 1 || $0 <= 0 ? String(format: "%g", $0) : "1/\(Int((1 / $0).rounded()))" }
        iso = m.iso
        focalLength = m.focalLength
        latitude = m.location?.latitude
        longitude = m.location?.longitude
        exifImageWidth = m.pixelWidth
        exifImageHeight = m.pixelHeight
        fileSizeInByte = asset.size
        orientation = m.orientation.map(String.init)
        description = m.caption
        rating = m.rating.flatMap { (1...5).contains($0) ? $0 : nil }
        city = asset.place?.city
        state = asset.place?.region
        country = asset.place?.country
        if let capture = m.capturedAt {
            dateTimeOriginal = capture.instant ?? AssetResponse.wallClock(capture.local)
            if let offset = capture.offsetSeconds, let instant = capture.instant {
                if let name = asset.place?.timeZone, let zone = TimeZone(identifier: name), zone.secondsFromGMT(for: instant) == offset {
                    timeZone = name
                } else {
                    timeZone = "UTC" + CaptureDate.offsetText(offset)
                }
            }
        }
    }
}

extension String {
    /// The bytes of a hex string (pairs of digits; a stray last digit is ignored).
    var hexBytes: [UInt8] {
        var out: [UInt8] = []
        var index = startIndex
        while let next = self.index(index, offsetBy: 2, limitedBy: endIndex), index != next {
            if let byte = UInt8(self[index..<next], radix: 16) { out.append(byte) }
            index = next
        }
        return out
    }
}

/// Immich's `UserResponseDto`: a user as others see them.
struct UserResponse: Codable {
    var id: String
    var name: String
    var email: String
    var avatarColor = "primary"
    var profileImagePath = ""
    var profileChangedAt: Date

    init(_ user: User) {
        id = user.id.description
        name = user.name
        email = Self.email(of: user)
        profileChangedAt = user.createdAt
    }

    /// The user's e-mail address, or one made from their name at `mediakit.invalid` (Immich's
    /// clients reject a user without a well-formed address; `.invalid` never resolves).
    static func email(of user: User) -> String {
        if let email = user.email, !email.isEmpty { return email }
        let local = String(user.name.lowercased().unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) })
        return (local.isEmpty || local.hasPrefix(".") || local.hasSuffix(".") ? "user-\(user.id.description.prefix(8))" : local) + "@mediakit.invalid"
    }
}

/// Immich's `AlbumUserResponseDto`.
struct AlbumUserResponse: Codable {
    var role: String
    var user: UserResponse
}

/// `POST /api/albums`.
struct CreateAlbumRequest: Decodable {
    var albumName: String
    var description: String?
    var assetIds: [String]?
}

/// `PUT /api/albums/{id}/assets`.
struct BulkIdsRequest: Decodable {
    var ids: [String]
}

/// One id's outcome: `success`, or `error` `duplicate` / `not_found`.
struct BulkIdResponse: ResponseCodable {
    var id: String
    var success: Bool
    var error: String?
}

/// Immich's `AlbumResponseDto` (not shared: no album users, no shared links).
struct AlbumResponse: ResponseCodable {
    var id: String
    var ownerId: String
    var owner: UserResponse
    var albumName: String
    var description: String
    @NullEncoded var albumThumbnailAssetId: String?
    /// The owner first, as Immich lists it (its clients require at least one entry).
    var albumUsers: [AlbumUserResponse]
    var assetCount: Int
    var assets: [AssetResponse]
    var createdAt: Date
    var updatedAt: Date
    var startDate: Date?
    var endDate: Date?
    var hasSharedLink = false
    var isActivityEnabled = false
    var shared = false
    var order = "desc"

    init(_ album: Album, owner: User, assets: [Asset]) {
        id = album.id.description
        ownerId = album.ownerID.description
        self.owner = UserResponse(owner)
        albumUsers = [AlbumUserResponse(role: "owner", user: self.owner)]
        albumName = album.name
        description = album.description
        albumThumbnailAssetId = (album.coverAssetID ?? assets.first?.id)?.description
        assetCount = album.assetCount
        self.assets = assets.map { AssetResponse($0, source: nil) }
        createdAt = album.createdAt
        updatedAt = album.updatedAt
        startDate = album.startDate
        endDate = album.endDate
    }
}

/// `GET /api/timeline/buckets`: a month (`YYYY-MM-01`) and how many assets it holds.
struct TimeBucketResponse: ResponseCodable {
    var timeBucket: String
    var count: Int
}

/// `GET /api/timeline/bucket`: a month's assets, column by column (Immich's
/// `TimeBucketAssetResponseDto`), newest first.
struct TimeBucketAssetResponse: ResponseCodable {
    var id: [String] = []
    var ownerId: [String] = []
    var ratio: [Double] = []
    var isFavorite: [Bool] = []
    var isImage: [Bool] = []
    var isTrashed: [Bool] = []
    var thumbhash: [String?] = []
    var fileCreatedAt: [String] = []
    var createdAt: [String] = []
    var localOffsetHours: [Double] = []
    var duration: [Int?] = []
    var livePhotoVideoId: [String?] = []
    var projectionType: [String?] = []
    var visibility: [String] = []
    var latitude: [Double?] = []
    var longitude: [Double?] = []

    init(_ assets: [Asset]) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for asset in assets {
            let response = AssetResponse(asset, source: nil)
            id.append(response.id)
            ownerId.append(response.ownerId)
            ratio.append(Double(max(1, response.width ?? 1)) / Double(max(1, response.height ?? 1)))
            isFavorite.append(asset.isFavorite)
            isImage.append(asset.kind == .image)
            isTrashed.append(asset.trashedAt != nil)
            thumbhash.append(response.thumbhash)
            fileCreatedAt.append(formatter.string(from: response.fileCreatedAt))
            createdAt.append(formatter.string(from: asset.createdAt))
            localOffsetHours.append(Double(asset.metadata.capturedAt?.offsetSeconds ?? 0) / 3600)
            duration.append(response.duration)
            livePhotoVideoId.append(nil)
            projectionType.append(nil)
            visibility.append(asset.visibility.rawValue)
            latitude.append(asset.metadata.location?.latitude)
            longitude.append(asset.metadata.location?.longitude)
        }
    }
}

/// `GET /api/duplicates`: one group of near-duplicates (`duplicateId` is the copy to keep).
struct DuplicateResponse: ResponseCodable {
    var duplicateId: String
    var assets: [AssetResponse]
    var suggestedKeepAssetIds: [String]
}

/// An optional field that Immich's clients require to be present: `nil` is written as `null`
/// (a plain optional is left out by Swift's synthesized encoding), and a missing key decodes as `nil`.
@propertyWrapper
struct NullEncoded<Value: Codable>: Codable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key is a `nil` ``NullEncoded`` value.
    func decode<Value>(_ type: NullEncoded<Value>.Type, forKey key: Key) throws -> NullEncoded<Value> {
        try decodeIfPresent(type, forKey: key) ?? NullEncoded(wrappedValue: nil)
    }
}
