public import Foundation

/// An identifier wrapping a UUID, written as lower-case UUID text (as Immich prints ids).
/// ``AssetID`` and ``UserID`` are the two; the shared behaviour lives in this protocol's extension.
public protocol UUIDIdentifier: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The underlying UUID.
    var rawValue: UUID { get }
    /// Wraps an existing UUID.
    init(_ rawValue: UUID)
}

extension UUIDIdentifier {
    /// A new identifier: a time-ordered UUID (RFC 9562's version 7 layout: 48 bits of Unix
    /// milliseconds, then 74 random bits), so identifiers made one after another sort together
    /// and catalog indexes on them grow at one end instead of being written all over. Its
    /// version field says 4 (random) rather than 7: Immich's clients accept only version-4
    /// UUIDs (immichpy checks ids against `…-4xxx-[89ab]xxx-…`), and a version-4 UUID may hold
    /// any bits in its random part.
    public init() { self.init(Self.timeOrderedUUID()) }

    /// A time-ordered UUID for the current time (see ``init()``).
    public static func timeOrderedUUID(now: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next(), low = generator.next()
        let milliseconds = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(i))) }
        for i in 6..<8 { b[i] = UInt8(truncatingIfNeeded: high >> (8 * UInt64(i))) }
        for i in 8..<16 { b[i] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(i - 8))) }
        b[6] = (b[6] & 0x0F) | 0x40  // version field 4: what Immich's clients accept
        b[8] = (b[8] & 0x3F) | 0x80  // variant 10
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }

    /// Parses the canonical UUID text form; `nil` if `string` is not a UUID.
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.init(uuid)
    }

    /// Lower-case UUID text.
    public var description: String { rawValue.uuidString.lowercased() }

    /// Encodes as the UUID string.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// Decodes from a UUID string.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let uuid = UUID(uuidString: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a UUID: \(s)")
        }
        self.init(uuid)
    }
}

/// The stable identity of an asset in a library.
public struct AssetID: UUIDIdentifier {
    /// The underlying UUID.
    public let rawValue: UUID

    /// Wraps an existing UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
}

/// The identity of a user of a library; every asset has an owner.
public struct UserID: UUIDIdentifier {
    /// The underlying UUID.
    public let rawValue: UUID

    /// Wraps an existing UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
}

/// Where an asset's original bytes live.
public enum AssetStorage: Sendable, Hashable, Codable {
    /// In the library's content-addressed object store (`objects/ab/cd/<sha256>`), read-only.
    case managed
    /// Outside the library, referenced by absolute path (imported in place); still content-hashed
    /// so a changed or missing file is noticed.
    case external(path: String)
}

/// Where an asset shows up.
public enum AssetVisibility: String, Sendable, Hashable, Codable, CaseIterable {
    /// In the timeline (the default).
    case timeline
    /// Archived: out of the timeline, still in albums and search.
    case archive
    /// Hidden: shown only when asked for.
    case hidden
}

/// One photo or video in a library: its bytes' identity, where it came from, what its
/// metadata says, and how its owner has organised it.
///
/// ```swift
/// let asset = Asset(id: AssetID(), ownerID: owner, hash: hash, size: 3_811_000,
///                   originalFilename: "IMG_0001.JPG", metadata: metadata)
/// asset.metadata.capturedAt?.text   // "2021-04-11T15:47:53.054-05:00"
/// ```
public struct Asset: Sendable, Hashable, Codable, Identifiable {
    /// The asset's identifier.
    public var id: AssetID
    /// The user the asset belongs to.
    public var ownerID: UserID
    /// SHA-256 and SHA-1 of the original bytes.
    public var hash: ContentHash
    /// Size of the original in bytes.
    public var size: Int64
    /// The file name the original had when it was imported.
    public var originalFilename: String
    /// The path the original was imported from, if it came from a file.
    public var sourcePath: String?
    /// Where the original bytes are kept.
    public var storage: AssetStorage
    /// The source file's birth time, when the file system knows it.
    public var fileCreatedAt: Date?
    /// The source file's modification time.
    public var fileModifiedAt: Date?
    /// Everything read from the file: format, size, dates, camera, place.
    public var metadata: MediaMetadata
    /// The named place nearest to where it was taken (offline reverse geocoding of its GPS
    /// position); `nil` without a position or more than 25 km from any town.
    public var place: Place?
    /// Marked as a favourite by its owner.
    public var isFavorite: Bool
    /// Timeline, archive or hidden.
    public var visibility: AssetVisibility
    /// When the asset was moved to the trash; `nil` when it is not in the trash.
    public var trashedAt: Date?
    /// The ThumbHash placeholder (a few dozen bytes), once thumbnails are made.
    public var thumbhash: [UInt8]?
    /// When the asset entered the library.
    public var createdAt: Date
    /// When the asset's record last changed.
    public var updatedAt: Date

    /// Creates an asset.
    /// - Parameters:
    ///   - id: The identifier.
    ///   - ownerID: The owner.
    ///   - hash: The content hash of the original.
    ///   - size: The original's size in bytes.
    ///   - originalFilename: The original's file name.
    ///   - metadata: What the file's metadata says.
    ///   - storage: Where the original is kept (default: the object store).
    ///   - sourcePath: Where it was imported from.
    ///   - createdAt: When it entered the library (default: now); `updatedAt` starts equal.
    public init(id: AssetID, ownerID: UserID, hash: ContentHash, size: Int64, originalFilename: String,
                metadata: MediaMetadata, storage: AssetStorage = .managed, sourcePath: String? = nil,
                createdAt: Date = Date()) {
        self.id = id
        self.ownerID = ownerID
        self.hash = hash
        self.size = size
        self.originalFilename = originalFilename
        self.metadata = metadata
        self.storage = storage
        self.sourcePath = sourcePath
        self.isFavorite = false
        self.visibility = .timeline
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    /// The format the bytes were sniffed as.
    public var format: MediaFormat { metadata.format }

    /// Image or video (camera raw files are images).
    public var kind: AssetKind { metadata.format.kind == .video ? .video : .image }
}

/// The two kinds of asset a library shows (Immich's `IMAGE` and `VIDEO`).
public enum AssetKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A still image, including camera raw files and animated images.
    case image
    /// A video.
    case video
}
