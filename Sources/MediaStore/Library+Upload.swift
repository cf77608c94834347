public import Foundation
public import MediaCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a client says about a file it uploads (the fields of Immich's upload form).
public struct UploadInfo: Sendable, Hashable {
    /// The file's name on the client: a name, not a path. One holding `/` or `\`, an empty
    /// name, `.`, `..` or one with control characters is refused.
    public var filename: String
    /// When the file was created on the client.
    public var fileCreatedAt: Date?
    /// When the file was last modified on the client.
    public var fileModifiedAt: Date?
    /// The client's name for itself and for the file (Immich's `deviceId`, `deviceAssetId`).
    public var source: UploadSource?

    /// Creates upload details.
    public init(filename: String, fileCreatedAt: Date? = nil, fileModifiedAt: Date? = nil, source: UploadSource? = nil) {
        self.filename = filename
        self.fileCreatedAt = fileCreatedAt
        self.fileModifiedAt = fileModifiedAt
        self.source = source
    }

    /// The name to record (`filename` without surrounding spaces).
    /// - Throws: `MediaStoreError.invalidArgument` for a name that holds a slash or backslash
    ///   (a path trick), is empty, `.` or `..`, is longer than 255 bytes, or holds control
    ///   characters.
    public func safeFilename() throws(MediaStoreError) -> String {
        let trimmed = filename.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed != ".", trimmed != "..", trimmed.utf8.count <= 255,
              !trimmed.contains("/"), !trimmed.contains("\\"),
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw MediaStoreError(.invalidArgument, "the file name \(filename.debugDescription) is not a file name")
        }
        return trimmed
    }
}

/// Where an upload came from, in its client's words.
public struct UploadSource: Sendable, Hashable, Codable {
    /// The client's device (Immich's `deviceId`).
    public var deviceID: String
    /// The client's id for the file on that device (Immich's `deviceAssetId`).
    public var deviceAssetID: String

    /// Creates a source.
    public init(deviceID: String, deviceAssetID: String) {
        self.deviceID = deviceID
        self.deviceAssetID = deviceAssetID
    }
}

/// What became of an upload.
public enum UploadOutcome: Sendable, Hashable {
    /// A new asset was made.
    case created(AssetID)
    /// The owner already had these bytes, as this asset; nothing was added.
    case duplicate(AssetID)

    /// The asset either way.
    public var asset: AssetID {
        switch self {
        case .created(let id), .duplicate(let id): id
        }
    }
}

extension Library {
    /// A new, empty file in the library's staging folder (on the same file system as the
    /// objects, so taking it in is a rename), for a server to stream an upload into before
    /// ``addUpload(at:info:owner:expectedSHA1:)``. One left behind by a process that died is
    /// removed the next time a library is opened.
    /// - Throws: `MediaStoreError.writeFailed` (or `.diskFull`) when it cannot be made.
    public func makeUploadFile() throws(MediaStoreError) -> String {
        let path = "\(path)/tmp/\(getpid())-upload-\(UUID().uuidString).part"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Posix.error(errno, "cannot make a file for an upload", path: path, reading: false) }
        close(fd)
        return path
    }

    /// Takes in a file a client uploaded (written to `path`, which this consumes: it is moved
    /// into the library or deleted) as an asset of `owner`, as an import takes in a file:
    /// content-addressed, metadata read, one decode for the derived files, hashes for
    /// near-duplicates, one catalog transaction. Bytes the owner already has make no new asset
    /// (also when two uploads of them race).
    /// - Parameters:
    ///   - expectedSHA1: The SHA-1 the client announced (hex or base64, as Immich's
    ///     `x-immich-checksum`); when the bytes do not have it, nothing is stored.
    /// - Throws: `MediaStoreError` naming the file: `.invalidArgument` for a bad file name,
    ///   `.integrity` for a checksum that does not match, `.unsupportedFormat` / `.corrupt` for
    ///   a file that is not a photo or video, `.diskFull` / `.writeFailed` / `.catalog` when it
    ///   cannot be stored. Nothing already stored is touched.
    public func addUpload(at path: String, info: UploadInfo, owner: UserID, expectedSHA1: String? = nil) throws(MediaStoreError) -> UploadOutcome {
        defer { unlink(path) }
        let filename = try info.safeFilename()
        let metadata: MediaMetadata
        do {
            metadata = try StandardMetadataReader().read(path: path)
        } catch where error.code == .unsupportedFormat {
            throw MediaStoreError(.unsupportedFormat, "\(filename) is not a photo or video this library takes", path: filename)
        } catch {
            throw MediaStoreError(error).at(filename)
        }
        let staged = try blobs.stage(from: path, mode: .linkOrCopy)
        var keep = false
        defer { if !keep { blobs.discard(staged) } }
        if let expectedSHA1, !Self.sha1(expectedSHA1, matches: staged.hash.sha1) {
            throw MediaStoreError(.integrity, "\(filename): the checksum sent (\(expectedSHA1)) is not the file's (SHA-1 \(staged.hash.sha1))",
                                  path: filename)
        }
        if let existing = try catalog.assetID(owner: owner, sha256: staged.hash.sha256) { return .duplicate(existing) }
        keep = true
        _ = try blobs.store(staged)
        var asset = Asset(id: AssetID(), ownerID: owner, hash: staged.hash, size: staged.size, originalFilename: filename,
                          metadata: metadata, storage: .managed)
        asset.fileCreatedAt = info.fileCreatedAt
        asset.fileModifiedAt = info.fileModifiedAt
        locate(&asset)
        let rendered: Result<any Thumbnailer, MediaCoreError>
        do throws(MediaCoreError) { rendered = .success(try thumbnailer()) } catch { rendered = .failure(error) }
        let made = makeDerivedFiles(path: path, metadata: metadata, sha256: staged.hash.sha256,
                                    thumbnailer: rendered, spec: ThumbnailSpec())
        asset.thumbhash = made.thumbhash
        // Objects first, durable, then the row that points at them.
        try blobs.flush()
        let pending = PendingImport(content: .new(asset, derived: made.files, perceptual: made.perceptual, embedding: made.embedding),
                                    sourcePath: path, sourceSize: staged.size, sourceMTime: 0, recordsSource: false)
        switch try catalog.record([pending]).first {
        case .imported(let id):
            if let source = info.source {
                try catalog.recordUploadSource(of: id, deviceID: source.deviceID, deviceAssetID: source.deviceAssetID)
            }
            return .created(id)
        case .duplicate(of: let id): return .duplicate(id)
        case nil: throw MediaStoreError(.catalog, "recording \(filename) returned nothing", path: filename)
        }
    }

    /// The client's names for an uploaded asset (`nil` for an imported one).
    public func uploadSource(of asset: AssetID) throws(MediaStoreError) -> UploadSource? {
        try catalog.uploadSource(of: asset)
    }

    /// The owner's asset: `nil` when it does not exist or belongs to someone else (a server
    /// answers both the same way, so ids of other users' assets cannot be probed).
    public func asset(_ id: AssetID, ownedBy owner: UserID) throws(MediaStoreError) -> Asset? {
        guard let asset = try asset(id), asset.ownerID == owner else { return nil }
        return asset
    }

    /// Where the original's bytes can be read (the object, or the external file of an asset
    /// imported in place).
    /// - Throws: `MediaStoreError.notFound` when the object is missing.
    public func originalFile(of asset: Asset) throws(MediaStoreError) -> String {
        try originalPath(of: asset)
    }

    /// Immich's bulk upload check: which of these SHA-1 checksums (hex or base64) the owner
    /// already has, and as which asset.
    /// - Complexity: One indexed lookup per checksum.
    public func assets(withSHA1 checksums: [String], owner: UserID) throws(MediaStoreError) -> [String: AssetID] {
        var out: [String: AssetID] = [:]
        for checksum in checksums {
            guard let hex = Self.sha1Hex(checksum), let id = try catalog.assetID(owner: owner, sha1: hex) else { continue }
            out[checksum] = id
        }
        return out
    }

    /// A SHA-1 given as 40 hex digits or as base64 (Immich sends either), as lower-case hex.
    static func sha1Hex(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.count == 40, t.allSatisfy(\.isHexDigit) { return t.lowercased() }
        guard let data = Data(base64Encoded: t), data.count == 20 else { return nil }
        return data.map { String(format: "%02x", $0) }.joined()
    }

    static func sha1(_ given: String, matches hex: String) -> Bool {
        sha1Hex(given) == hex.lowercased()
    }
}
