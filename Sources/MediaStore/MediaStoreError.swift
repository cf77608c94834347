public import MediaCore

/// The one error type of MediaStore: what went wrong, with the file, asset or object involved
/// and the underlying cause.
///
/// Descriptions name what the user has to look at:
/// ```
/// /photos/IMG_1.JPG: diskFull: writing the object failed (No space left on device)
/// ```
public struct MediaStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable, Codable {
        /// A file, asset or object does not exist.
        case notFound
        /// A file could not be opened or read.
        case unreadable
        /// The bytes are not a format MediaKit recognises.
        case unsupportedFormat
        /// The file is damaged or truncated.
        case corrupt
        /// Writing failed (permissions, I/O error).
        case writeFailed
        /// The disk is full.
        case diskFull
        /// The folder is not a MediaKit library, or its catalog is damaged or from a newer version.
        case notALibrary
        /// The catalog refused an operation (a constraint, a locked or damaged database).
        case catalog
        /// Stored bytes do not match their recorded hash or size.
        case integrity
        /// An argument was invalid (a path that escapes its folder, a bad template).
        case invalidArgument
    }

    /// The kind of failure.
    public var code: Code
    /// What went wrong, without the path.
    public var message: String
    /// The file involved, if any.
    public var path: String?
    /// The asset involved, if any.
    public var assetID: AssetID?
    /// The underlying cause (an `errno` text, a SQLite message), if any.
    public var underlying: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong, without the path.
    ///   - path: The file involved.
    ///   - assetID: The asset involved.
    ///   - underlying: The underlying cause.
    public init(_ code: Code, _ message: String, path: String? = nil, assetID: AssetID? = nil, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.assetID = assetID
        self.underlying = underlying
    }

    /// Wraps a MediaCore error (reading a file's format or metadata).
    /// - Parameter error: The MediaCore error; its path is kept.
    public init(_ error: MediaCoreError) {
        let code: Code
        switch error.code {
        case .notFound: code = .notFound
        case .unreadable, .notAFile: code = .unreadable
        case .unsupportedFormat: code = .unsupportedFormat
        case .truncated, .corrupt, .undecodable: code = .corrupt
        }
        self.init(code, error.message, path: error.path, underlying: error.underlying)
    }

    /// `path: code: message (underlying)`, with the asset id when there is no path.
    public var description: String {
        var text = path.map { "\($0): " } ?? assetID.map { "asset \($0): " } ?? ""
        text += "\(code.rawValue): \(message)"
        if let underlying { text += " (\(underlying))" }
        return text
    }

    /// The same error with `path` set, if it was not already.
    func at(_ path: String) -> MediaStoreError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }
}
