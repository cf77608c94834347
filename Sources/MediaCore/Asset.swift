public import Foundation

/// The stable identity of an asset in a library.
public struct AssetID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The underlying UUID.
    public let rawValue: UUID

    /// Wraps an existing UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }

    /// A new random identifier.
    public init() { self.rawValue = UUID() }

    /// Parses the canonical UUID text form.
    /// - Returns: `nil` if `string` is not a UUID.
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.rawValue = uuid
    }

    /// Lower-case UUID text, as Immich prints ids.
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
        guard let id = AssetID(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a UUID: \(s)")
        }
        self = id
    }
}

/// One photo or video in a library: its bytes' identity, where it came from, and what its
/// metadata says.
///
/// ```swift
/// let asset = Asset(id: AssetID(), hash: hash, size: 3_811_000,
///                   originalFilename: "IMG_0001.JPG", metadata: metadata)
/// asset.metadata.capturedAt?.localText   // "2021-04-11T15:47:53.054-05:00"
/// ```
public struct Asset: Sendable, Hashable, Codable, Identifiable {
    /// The asset's identifier.
    public var id: AssetID
    /// SHA-256 and SHA-1 of the original bytes.
    public var hash: ContentHash
    /// Size of the original in bytes.
    public var size: Int64
    /// The file name the original had when it was imported.
    public var originalFilename: String
    /// Everything read from the file: format, size, dates, camera, place.
    public var metadata: MediaMetadata

    /// Creates an asset.
    public init(id: AssetID, hash: ContentHash, size: Int64, originalFilename: String, metadata: MediaMetadata) {
        self.id = id
        self.hash = hash
        self.size = size
        self.originalFilename = originalFilename
        self.metadata = metadata
    }

    /// The format the bytes were sniffed as.
    public var format: MediaFormat { metadata.format }
}
