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
    var deletedAt: Date?
    var license: String?
    var oauthId = ""
    var profileImagePath = ""
    var quotaSizeInBytes: Int?
    var quotaUsageInBytes: Int?
    var shouldChangePassword = false
    var status = "active"
    var storageLabel: String?

    init(_ user: User) {
        id = user.id.description
        name = user.name
        email = UserResponse.email(of: user)
        isAdmin = user.isAdmin
        createdAt = user.createdAt
        updatedAt = user.createdAt
        profileChangedAt = user.createdAt
    }

    /// Optional fields are written as `null`, as Immich does (its clients require the keys).
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(email, forKey: .email)
        try c.encode(isAdmin, forKey: .isAdmin)
        try c.encode(avatarColor, forKey: .avatarColor)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(profileChangedAt, forKey: .profileChangedAt)
        try c.encode(deletedAt, forKey: .deletedAt)
        try c.encode(license, forKey: .license)
        try c.encode(oauthId, forKey: .oauthId)
        try c.encode(profileImagePath, forKey: .profileImagePath)
        try c.encode(quotaSizeInBytes, forKey: .quotaSizeInBytes)
        try c.encode(quotaUsageInBytes, forKey: .quotaUsageInBytes)
        try c.encode(shouldChangePassword, forKey: .shouldChangePassword)
        try c.encode(status, forKey: .status)
        try c.encode(storageLabel, forKey: .storageLabel)
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
    var originalMimeType: String?
    var originalPath = ""
    var checksum: String
    var thumbhash: String?
    var width: Int?
    var height: Int?
    var duration: String
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
    var libraryId: String?
    var livePhotoVideoId: String?
    var duplicateId: String?
    var exifInfo: ExifResponse

    init(_ asset: Asset, source: UploadSource?) {
        exifInfo = ExifResponse(asset)
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
        duration = Self.duration(asset.metadata.duration ?? 0)
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

    /// Immich's duration text, `H:MM:SS.fffff`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds)
        return String(format: "%d:%02d:%08.5f", whole / 3600, whole / 60 % 60, seconds.truncatingRemainder(dividingBy: 60))
    }

    static func wallClock(_ local: LocalDateTime) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(year: local.year, month: local.month, day: local.day, hour: local.hour,
                                        minute: local.minute, second: local.second, nanosecond: (local.millisecond ?? 0) * 1_000_000)
        return calendar.date(from: components)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ownerId, forKey: .ownerId)
        try c.encode(deviceAssetId, forKey: .deviceAssetId)
        try c.encode(deviceId, forKey: .deviceId)
        try c.encode(type, forKey: .type)
        try c.encode(originalFileName, forKey: .originalFileName)
        try c.encode(originalMimeType, forKey: .originalMimeType)
        try c.encode(originalPath, forKey: .originalPath)
        try c.encode(checksum, forKey: .checksum)
        try c.encode(thumbhash, forKey: .thumbhash)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(duration, forKey: .duration)
        try c.encode(visibility, forKey: .visibility)
        try c.encode(isFavorite, forKey: .isFavorite)
        try c.encode(isArchived, forKey: .isArchived)
        try c.encode(isTrashed, forKey: .isTrashed)
        try c.encode(isOffline, forKey: .isOffline)
        try c.encode(isEdited, forKey: .isEdited)
        try c.encode(hasMetadata, forKey: .hasMetadata)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(fileCreatedAt, forKey: .fileCreatedAt)
        try c.encode(fileModifiedAt, forKey: .fileModifiedAt)
        try c.encode(localDateTime, forKey: .localDateTime)
        try c.encode(libraryId, forKey: .libraryId)
        try c.encode(livePhotoVideoId, forKey: .livePhotoVideoId)
        try c.encode(duplicateId, forKey: .duplicateId)
        try c.encode(exifInfo, forKey: .exifInfo)
    }
}

/// Immich's `ExifResponseDto`: what the file's metadata says (absent values left out).
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
    var rating: Int?

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
        rating = m.rating
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
    var albumThumbnailAssetId: String?
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

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ownerId, forKey: .ownerId)
        try c.encode(owner, forKey: .owner)
        try c.encode(albumName, forKey: .albumName)
        try c.encode(description, forKey: .description)
        try c.encode(albumThumbnailAssetId, forKey: .albumThumbnailAssetId)
        try c.encode(albumUsers, forKey: .albumUsers)
        try c.encode(assetCount, forKey: .assetCount)
        try c.encode(assets, forKey: .assets)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(startDate, forKey: .startDate)
        try c.encodeIfPresent(endDate, forKey: .endDate)
        try c.encode(hasSharedLink, forKey: .hasSharedLink)
        try c.encode(isActivityEnabled, forKey: .isActivityEnabled)
        try c.encode(shared, forKey: .shared)
        try c.encode(order, forKey: .order)
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
    var duration: [String?] = []
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
            duration.append(asset.kind == .video ? response.duration : nil)
            livePhotoVideoId.append(nil)
            projectionType.append(nil)
            visibility.append(asset.visibility.rawValue)
            latitude.append(asset.metadata.location?.latitude)
            longitude.append(asset.metadata.location?.longitude)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ownerId, forKey: .ownerId)
        try c.encode(ratio, forKey: .ratio)
        try c.encode(isFavorite, forKey: .isFavorite)
        try c.encode(isImage, forKey: .isImage)
        try c.encode(isTrashed, forKey: .isTrashed)
        try c.encode(thumbhash, forKey: .thumbhash)
        try c.encode(fileCreatedAt, forKey: .fileCreatedAt)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(localOffsetHours, forKey: .localOffsetHours)
        try c.encode(duration, forKey: .duration)
        try c.encode(livePhotoVideoId, forKey: .livePhotoVideoId)
        try c.encode(projectionType, forKey: .projectionType)
        try c.encode(visibility, forKey: .visibility)
        try c.encode(latitude, forKey: .latitude)
        try c.encode(longitude, forKey: .longitude)
    }
}

/// `GET /api/duplicates`: one group of near-duplicates (`duplicateId` is the copy to keep).
struct DuplicateResponse: ResponseCodable {
    var duplicateId: String
    var assets: [AssetResponse]
    var suggestedKeepAssetIds: [String]
}

/// `DELETE /api/assets`: the assets to move to the trash (`force` is taken as trash too until
/// the trash can be emptied).
struct AssetBulkDeleteRequest: Decodable {
    var ids: [String]
    var force: Bool?
}
