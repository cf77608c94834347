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
        email = user.email ?? ""
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
