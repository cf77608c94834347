public import MediaCore

/// A file made from an original: its preview or thumbnail, or why there is none.
///
/// Derived files live under `thumbs/` named by the original's SHA-256 and their size
/// (`thumbs/ab/cd/<sha256>-1440.jpg`, `…-250.webp`), so byte-identical originals share them.
public struct DerivedFile: Sendable, Hashable, Codable {
    /// Which derived file.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The grid's small image (WebP, short edge 250).
        case thumbnail
        /// The viewer's image (JPEG, short edge 1440).
        case preview
    }

    /// Whether the file exists.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Made; `path` names it.
        case ready
        /// Making it failed; `error` says why. The original and its metadata are kept.
        case failed
        /// Nothing to make it from here (a video without a poster-frame decoder).
        case unsupported
    }

    /// Which derived file.
    public var kind: Kind
    /// Made, failed or unsupported.
    public var status: Status
    /// The path relative to the library folder, when `ready`.
    public var path: String?
    /// `jpeg` or `webp`, when `ready`.
    public var format: MediaFormat?
    /// Pixel width, when `ready`.
    public var width: Int?
    /// Pixel height, when `ready`.
    public var height: Int?
    /// Size in bytes, when `ready`.
    public var size: Int64?
    /// Why it failed or is unsupported.
    public var error: String?

    /// Creates a record.
    public init(kind: Kind, status: Status, path: String? = nil, format: MediaFormat? = nil, width: Int? = nil,
                height: Int? = nil, size: Int64? = nil, error: String? = nil) {
        self.kind = kind
        self.status = status
        self.path = path
        self.format = format
        self.width = width
        self.height = height
        self.size = size
        self.error = error
    }
}
