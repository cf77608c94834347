/// The one error type of MediaCore: what went wrong, with the file and the underlying cause.
///
/// Messages name the file and the problem, so a user reading a log knows what to fix:
/// ```
/// /photos/IMG_1.JPG: truncated: JPEG segment at offset 4242 runs past the end of the file
/// ```
public struct MediaCoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable, Codable {
        /// The file does not exist.
        case notFound
        /// The file exists but could not be opened or read (permissions, I/O error).
        case unreadable
        /// The bytes are not a format MediaKit recognises.
        case unsupportedFormat
        /// The file ends before its structure says it should.
        case truncated
        /// The structure of the file is invalid.
        case corrupt
        /// The path names a directory or another non-regular file.
        case notAFile
        /// The pixels could not be decoded (a damaged image, or a format the image library
        /// cannot render, such as a camera raw without a preview).
        case undecodable
    }

    /// The kind of failure.
    public var code: Code
    /// A human-readable explanation, without the path.
    public var message: String
    /// The file involved, as given by the caller, if any.
    public var path: String?
    /// The description of the underlying error (for example an `errno` text), if any.
    public var underlying: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: What went wrong, without the path.
    ///   - path: The file involved.
    ///   - underlying: The underlying cause, if any.
    public init(_ code: Code, _ message: String, path: String? = nil, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.underlying = underlying
    }

    /// `path: code: message (underlying)`.
    public var description: String {
        var text = path.map { "\($0): " } ?? ""
        text += "\(code.rawValue): \(message)"
        if let underlying { text += " (\(underlying))" }
        return text
    }

    /// The same error with `path` set, if it was not already.
    func at(_ path: String) -> MediaCoreError {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }
}
