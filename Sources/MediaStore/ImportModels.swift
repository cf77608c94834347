public import MediaCore
import Foundation

/// How ``Library/import(_:options:events:)`` takes files in.
public struct ImportOptions: Sendable, Hashable {
    /// What happens to the originals.
    public enum Mode: String, Sendable, Hashable, Codable, CaseIterable {
        /// Copy each original into the library's objects; the source is left alone. The default.
        case copy
        /// Take each original into the library (a hard link on the same file system, a copy
        /// otherwise) and delete the source once the catalog has recorded it.
        case move
        /// Leave the original where it is and reference it by path; it is still content-hashed,
        /// so a changed or missing file is noticed by ``Library/verify(deep:)``.
        case inPlace = "in-place"
    }

    /// What happens to the originals. Default ``Mode/copy``.
    public var mode: Mode = .copy
    /// Files processed at a time. Default: one more than the active cores, because each worker
    /// also waits on the disk (reading, and syncing the object it stored): on 2 cores, 3 workers
    /// import the 12 MP benchmark photos with thumbnails 7–10 % faster than 2.
    public var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount + 1
    /// Files recorded per catalog transaction. Default 64.
    public var batchSize: Int = 64
    /// The longest a processed file waits for its batch to be committed, in seconds. Default 1.
    public var maxBatchDelay: Double = 1
    /// The owner of the new assets; `nil` for the library's ``Library/defaultOwner``.
    public var owner: UserID?
    /// Whether each photo's preview, thumbnail and ThumbHash are made during the import (one
    /// decode per photo). Default `true`; without them an import is hashing, storing and metadata only.
    public var makesThumbnails: Bool = true
    /// Sizes and qualities of the derived images.
    public var thumbnailSpec = ThumbnailSpec()
    /// Whether XMP sidecars next to the files (`name.ext.xmp`, `name.xmp`) are read. Default `true`.
    public var readsSidecars: Bool = true
    /// How often progress events are sent, in seconds. Default 0.2.
    public var progressInterval: Double = 0.2

    /// The defaults.
    public init() {}
}

/// What an import did, counted per file.
public struct ImportSummary: Sendable, Hashable, Codable {
    /// Files stored as new assets.
    public var imported = 0
    /// Files whose bytes were already in the library: their path was recorded, nothing stored.
    public var duplicates = 0
    /// Files left out: not media, or seen unchanged by an earlier import.
    public var skipped = 0
    /// Of `skipped`, the files an earlier import already took in (same path, size and time).
    public var unchanged = 0
    /// Files that could not be read or stored; see `failures`.
    public var failed = 0
    /// Of `imported`, the photos whose preview or thumbnail could not be made (pixels that cannot
    /// be decoded, libvips missing, a derived file that cannot be written): the original and its
    /// metadata are kept, and the derived file is recorded as failed with the reason
    /// (``Library/derivedFiles(of:)``). ``Library/regenerateThumbnails(_:events:)`` tries again.
    public var thumbnailFailures = 0
    /// Bytes of the new assets' originals.
    public var bytesImported: Int64 = 0
    /// Bytes read and hashed (0 on a rescan that finds nothing new).
    public var bytesHashed: Int64 = 0
    /// Wall-clock seconds.
    public var seconds: Double = 0
    /// The failures, with their paths and reasons (the first 10,000).
    public var failures: [ImportFailure] = []
    /// Set when the import stopped before the end (a full disk, a catalog failure).
    public var stoppedBecause: String?

    /// An empty summary.
    public init() {}
}

/// A file that could not be imported, and why.
public struct ImportFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file as found.
    public var path: String
    /// The error, naming the file and the problem.
    public var error: MediaStoreError

    /// Creates a failure record.
    public init(path: String, error: MediaStoreError) {
        self.path = path
        self.error = error
    }

    /// `path: code: message`.
    public var description: String { error.at(path).description }
}

/// A snapshot of a running import, for progress displays.
public struct ImportProgress: Sendable, Hashable {
    /// Files handled so far (imported, duplicate, skipped or failed).
    public var processed: Int
    /// Files found so far by the walk; final when `walkFinished`.
    public var found: Int
    /// Whether the walk has found every file.
    public var walkFinished: Bool
    /// The counts so far.
    public var summary: ImportSummary
    /// Bytes read and hashed so far.
    public var bytesRead: Int64 { summary.bytesHashed }
    /// Seconds since the import began.
    public var elapsed: Double

    /// Files per second so far.
    public var filesPerSecond: Double { elapsed > 0 ? Double(processed) / elapsed : 0 }

    /// Estimated seconds left, once the walk has found everything and some files are done.
    public var estimatedSecondsLeft: Double? {
        guard walkFinished, processed > 0, filesPerSecond > 0 else { return nil }
        return Double(max(found - processed, 0)) / filesPerSecond
    }
}

/// What an import reports while it runs.
public enum ImportEvent: Sendable {
    /// Periodic progress.
    case progress(ImportProgress)
    /// A file became a new asset.
    case imported(path: String, asset: AssetID)
    /// A file's bytes were already in the library.
    case duplicate(path: String, of: AssetID)
    /// A file was left out, and why ("not a photo or video", "unchanged").
    case skipped(path: String, reason: String)
    /// A file could not be imported.
    case failed(ImportFailure)
}

extension MediaStoreError: Codable {
    private enum Keys: String, CodingKey { case code, message, path, assetID, underlying }

    /// Encodes the fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(path, forKey: .path)
        try c.encodeIfPresent(assetID, forKey: .assetID)
        try c.encodeIfPresent(underlying, forKey: .underlying)
    }

    /// Decodes the fields.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(try c.decode(Code.self, forKey: .code), try c.decode(String.self, forKey: .message),
                  path: try c.decodeIfPresent(String.self, forKey: .path),
                  assetID: try c.decodeIfPresent(AssetID.self, forKey: .assetID),
                  underlying: try c.decodeIfPresent(String.self, forKey: .underlying))
    }
}
