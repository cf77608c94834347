public import Foundation
import Crypto

/// The identity of a file's bytes: SHA-256 (the address in the blob store) and SHA-1
/// (what Immich's clients send to check for duplicates), both computed in one pass.
///
/// ```swift
/// let hash = try ContentHash.ofFile(atPath: "/photos/IMG_0001.JPG")
/// print(hash.sha256)   // 64 lower-case hex digits
/// ```
public struct ContentHash: Sendable, Hashable, Codable, CustomStringConvertible {
    /// SHA-256 of the bytes, 64 lower-case hexadecimal digits.
    public let sha256: String
    /// SHA-1 of the bytes, 40 lower-case hexadecimal digits.
    public let sha1: String

    /// Creates a hash from its hexadecimal digests.
    /// - Returns: `nil` unless both are lower-case hex of the right length.
    public init?(sha256: String, sha1: String) {
        guard ContentHash.isHex(sha256, length: 64), ContentHash.isHex(sha1, length: 40) else { return nil }
        self.sha256 = sha256
        self.sha1 = sha1
    }

    init(uncheckedSHA256 sha256: String, sha1: String) {
        self.sha256 = sha256
        self.sha1 = sha1
    }

    /// The SHA-256 digest.
    public var description: String { sha256 }

    /// Hashes bytes already in memory.
    public static func of(_ data: some DataProtocol) -> ContentHash {
        var hasher = ContentHasher()
        hasher.update(data)
        return hasher.finalize()
    }

    /// Hashes a file by streaming it in 1 MiB reads; memory use does not grow with the file.
    /// - Parameter path: The file to hash.
    /// - Throws: `MediaCoreError` when the file cannot be opened or read.
    /// - Complexity: O(n) in the file size, one read of each byte.
    public static func ofFile(atPath path: String) throws(MediaCoreError) -> ContentHash {
        try ofFileWithSize(atPath: path).hash
    }

    /// The hash and the number of bytes hashed, in one streaming pass with one reused buffer
    /// (package access: the store records both).
    package static func ofFileWithSize(atPath path: String) throws(MediaCoreError) -> (hash: ContentHash, size: Int64) {
        let source: FileByteSource
        do { source = try FileByteSource(path: path) } catch { throw error.at(path) }
        var hasher = ContentHasher()
        var buffer = [UInt8](repeating: 0, count: Int(min(Int64(1 << 20), max(4096, source.size + 1))))
        var size: Int64 = 0
        while true {
            let n: Int
            do { n = try source.read(at: size, into: &buffer) } catch { throw error.at(path) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            size += Int64(n)
        }
        return (hasher.finalize(), size)
    }

    /// Whether `text` is a SHA-256 in lower-case hex (64 characters), as objects are named.
    public static func isSHA256(_ text: String) -> Bool { isHex(text, length: 64) }

    private static func isHex(_ s: String, length: Int) -> Bool {
        s.utf8.count == length && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}

/// Incremental SHA-256 + SHA-1, for hashing bytes while they stream somewhere else.
///
/// ```swift
/// var hasher = ContentHasher()
/// for chunk in chunks { hasher.update(chunk) }
/// let hash = hasher.finalize()
/// ```
public struct ContentHasher: Sendable {
    private var sha256 = SHA256()
    private var sha1 = Insecure.SHA1()

    /// Creates an empty hasher.
    public init() {}

    /// Feeds the next bytes.
    public mutating func update(_ data: some DataProtocol) {
        sha256.update(data: data)
        sha1.update(data: data)
    }

    /// Feeds the next bytes from a raw buffer.
    public mutating func update(bufferPointer: UnsafeRawBufferPointer) {
        sha256.update(bufferPointer: bufferPointer)
        sha1.update(bufferPointer: bufferPointer)
    }

    /// The digests of everything fed so far.
    public func finalize() -> ContentHash {
        ContentHash(uncheckedSHA256: Self.hex(sha256.finalize()), sha1: Self.hex(sha1.finalize()))
    }

    private static func hex(_ digest: some Sequence<UInt8>) -> String { HexCoding.encode(digest) }
}
