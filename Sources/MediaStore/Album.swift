public import Foundation
public import MediaCore

/// The identity of an album.
public struct AlbumID: UUIDIdentifier {
    /// The underlying UUID.
    public let rawValue: UUID

    /// Wraps an existing UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
}

/// A named set of one owner's assets.
public struct Album: Sendable, Hashable, Codable, Identifiable {
    /// The album's id.
    public var id: AlbumID
    /// Whose album it is.
    public var ownerID: UserID
    /// Its name (not unique: two albums may share one).
    public var name: String
    /// A longer text, empty when there is none.
    public var description: String
    /// The asset shown for the album, if chosen.
    public var coverAssetID: AssetID?
    /// Assets in it that are not in the trash.
    public var assetCount: Int
    /// The capture (or import) times of its earliest and latest assets, when it has any.
    public var startDate: Date?
    /// See ``startDate``.
    public var endDate: Date?
    /// When it was made.
    public var createdAt: Date
    /// When it or its contents last changed.
    public var updatedAt: Date

    /// Creates an album record.
    public init(id: AlbumID, ownerID: UserID, name: String, description: String = "", coverAssetID: AssetID? = nil,
                assetCount: Int = 0, startDate: Date? = nil, endDate: Date? = nil, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.ownerID = ownerID
        self.name = name
        self.description = description
        self.coverAssetID = coverAssetID
        self.assetCount = assetCount
        self.startDate = startDate
        self.endDate = endDate
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What adding one asset to an album did.
public enum AlbumAddition: String, Sendable, Hashable, Codable {
    /// Added.
    case added
    /// It was in the album already.
    case duplicate
    /// No such asset of the album's owner.
    case notFound = "not_found"
}
