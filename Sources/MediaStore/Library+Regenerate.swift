public import MediaCore
import MediaML
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Library {
    /// Makes the preview, thumbnail and ThumbHash of the library's photos again from their
    /// originals (the object in the library, or the external file of an asset imported in place),
    /// and records their perceptual hashes (with the near-duplicate pairs they make) and
    /// ``ColorTextureDescriptor`` embeddings again.
    ///
    /// For each photo, of every owner, in import order: decode the original once, write the new
    /// derived files atomically, replace the asset's derived-file records, ThumbHash, perceptual
    /// hash and embedding in one transaction, then delete its former derived files that no
    /// record refers to any more (their names hold the short edge, so a new ``ThumbnailSpec``
    /// makes new files). A photo whose pixels cannot be decoded gets `failed` records with the
    /// reason, as in an import (its earlier perceptual hash and embedding, if any, are kept).
    /// A photo whose original is missing (or, imported in place, has changed size since), or
    /// whose new files cannot be written, is reported and its records are left as they were.
    /// Videos are skipped and keep their `unsupported` records.
    ///
    /// ```swift
    /// var options = RegenerateOptions()
    /// options.onlyMissing = true          // after deleting thumbs/, an import with --no-thumbnails,
    ///                                     // or to hash and embed photos imported by an older version
    /// let summary = await library.regenerateThumbnails(options) { event in
    ///     if case .failed(let failure) = event { print(failure) }
    /// }
    /// print(summary.regenerated, summary.failed, summary.skipped)
    /// ```
    /// - Parameters:
    ///   - options: Which photos, concurrency, sizes; see ``RegenerateOptions``.
    ///   - events: Called from worker threads with progress and per-asset outcomes.
    /// - Returns: The counts; `failed > 0` when some photos could not be done. The summary's
    ///   `stoppedBecause` says why a run stopped early (libvips missing, a full disk, a catalog
    ///   failure, cancellation).
    /// - Complexity: Memory is bounded by `options.concurrency` and `options.pageSize`, whatever
    ///   the number of assets.
    public func regenerateThumbnails(_ options: RegenerateOptions = RegenerateOptions(),
                                     events: (@Sendable (RegenerateEvent) -> Void)? = nil) async -> RegenerateSummary {
        let start = Date()
        func stopped(_ reason: String) -> RegenerateSummary {
            var summary = RegenerateSummary()
            summary.stoppedBecause = reason
            summary.seconds = Date().timeIntervalSince(start)
            return summary
        }
        // Without a decoder every photo would fail: stop before touching anything.
        let thumbnailer: any Thumbnailer
        do {
            thumbnailer = try self.thumbnailer()
        } catch {
            return stopped("cannot make thumbnails: \(error)")
        }
        let total: Int
        do {
            total = try catalog.assetCount()
        } catch {
            return stopped("reading the catalog failed: \(error)")
        }
        let run = RegenerateRun(library: self, options: options, thumbnailer: thumbnailer, total: total, start: start,
                                events: events)
        await BlockingThreads.run(count: max(1, options.concurrency), name: "mediakit-regenerate",
                                  onCancel: { run.stop(because: "cancelled") }) { _ in
            run.work()
        }
        let summary = run.finish()
        if summary.regenerated > 0 { try? updateVectorIndexes() }
        return summary
    }
}

/// Which photos ``Library/regenerateThumbnails(_:events:)`` does, and how.
public struct RegenerateOptions: Sendable, Hashable {
    /// Only the photos without a complete set: no derived-file records (imported without
    /// thumbnails), a `failed` one, a `ready` one whose file is missing on disk, no ThumbHash,
    /// no perceptual hash (so not in ``Library/nearDuplicateGroups(owner:)``), or no embedding
    /// by the built-in ``ColorTextureDescriptor`` (so not in ``Library/similar(to:k:)``); the
    /// last two are what a photo imported before perceptual hashes and embeddings existed lacks.
    /// Default `false`: every photo.
    public var onlyMissing = false
    /// Photos decoded at a time, each on its own thread. Default: the number of active cores.
    public var concurrency: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Sizes and qualities of the derived images.
    public var thumbnailSpec = ThumbnailSpec()
    /// Assets read per catalog query. Default 256.
    public var pageSize = 256
    /// How often progress events are sent, in seconds. Default 0.2.
    public var progressInterval: Double = 0.2

    /// The defaults.
    public init() {}
}

/// What ``Library/regenerateThumbnails(_:events:)`` did, counted per asset.
public struct RegenerateSummary: Sendable, Hashable, Codable {
    /// Photos whose preview, thumbnail, ThumbHash, perceptual hash and embedding were made again.
    public var regenerated = 0
    /// Photos that could not be done; see `failures`.
    public var failed = 0
    /// Assets left as they were: videos, and with ``RegenerateOptions/onlyMissing`` the photos
    /// that already had everything.
    public var skipped = 0
    /// Wall-clock seconds.
    public var seconds: Double = 0
    /// The failures, with their assets and reasons (the first 10,000).
    public var failures: [RegenerateFailure] = []
    /// Set when the run stopped before the end (libvips missing, a full disk, a catalog failure).
    public var stoppedBecause: String?

    /// An empty summary.
    public init() {}
}

/// A photo whose derived files could not be made, and why.
public struct RegenerateFailure: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The asset.
    public var asset: AssetID
    /// Its original file name.
    public var filename: String
    /// What went wrong, naming the file that was read or written.
    public var reason: String

    /// Creates a failure record.
    public init(asset: AssetID, filename: String, reason: String) {
        self.asset = asset
        self.filename = filename
        self.reason = reason
    }

    /// `asset <id> (<filename>): <reason>`.
    public var description: String { "asset \(asset) (\(filename)): \(reason)" }
}

/// A snapshot of a running regeneration, for progress displays.
public struct RegenerateProgress: Sendable, Hashable {
    /// Assets handled so far (regenerated, skipped or failed).
    public var processed: Int
    /// Assets in the library when the run began.
    public var total: Int
    /// The counts so far.
    public var summary: RegenerateSummary
    /// Seconds since the run began.
    public var elapsed: Double

    /// Assets per second so far.
    public var assetsPerSecond: Double { elapsed > 0 ? Double(processed) / elapsed : 0 }

    /// Estimated seconds left, once some assets are done.
    public var estimatedSecondsLeft: Double? {
        guard processed > 0, assetsPerSecond > 0 else { return nil }
        return Double(max(total - processed, 0)) / assetsPerSecond
    }
}

/// What a regeneration reports while it runs.
public enum RegenerateEvent: Sendable {
    /// Periodic progress.
    case progress(RegenerateProgress)
    /// A photo's derived files were made again.
    case regenerated(AssetID)
    /// An asset was left as it was, and why ("a video", "complete").
    case skipped(AssetID, reason: String)
    /// A photo could not be done.
    case failed(RegenerateFailure)
}

/// The state of one running regeneration, shared by its worker threads.
final class RegenerateRun: Sendable {
    let library: Library
    let options: RegenerateOptions
    let thumbnailer: any Thumbnailer
    let total: Int
    let start: Date
    let events: (@Sendable (RegenerateEvent) -> Void)?
    /// The assets still to do, read a page at a time by whichever worker needs the next one.
    private let cursor: Mutex<AssetCursor>

    private struct State {
        var summary = RegenerateSummary()
        var processed = 0
        var progressClock = ProgressClock()
        var stopped: String?
    }
    private let state = Mutex(State())

    init(library: Library, options: RegenerateOptions, thumbnailer: any Thumbnailer, total: Int, start: Date,
         events: (@Sendable (RegenerateEvent) -> Void)?) {
        self.library = library
        self.options = options
        self.thumbnailer = thumbnailer
        self.total = total
        self.start = start
        self.events = events
        self.cursor = Mutex(AssetCursor(catalog: library.catalog, pageSize: options.pageSize))
    }

    var isStopped: Bool { state.withLock { $0.stopped != nil } }

    func stop(because reason: String) {
        state.withLock { if $0.stopped == nil { $0.stopped = reason } }
    }

    func work() {
        while !isStopped, let asset = nextAsset() {
            handle(regenerate(asset))
        }
    }

    private func nextAsset() -> Asset? {
        do {
            return try cursor.withLock { (c) throws(MediaStoreError) -> Asset? in try c.next() }
        } catch {
            stop(because: "reading the catalog failed: \(error)")
            return nil
        }
    }

    enum Outcome {
        case regenerated(AssetID)
        case skipped(AssetID, String)
        case failed(RegenerateFailure)
    }

    /// One asset: decide, render, write, record, clean up.
    func regenerate(_ asset: Asset) -> Outcome {
        guard asset.kind == .image else { return .skipped(asset.id, "a video") }
        do throws(MediaStoreError) {
            if options.onlyMissing, try isComplete(asset) {
                return .skipped(asset.id, "complete")
            }
            let source = try library.originalPath(of: asset)
            guard let info = Posix.fileInfo(source) else {
                throw MediaStoreError(.notFound, "the original is missing", path: source, assetID: asset.id)
            }
            // Another file at an in-place asset's path would be filed under the old hash.
            if case .external = asset.storage, info.size != asset.size {
                throw MediaStoreError(.integrity, "the file has changed since it was imported (\(asset.size) bytes then, \(info.size) now)",
                                      path: source, assetID: asset.id)
            }
            let made = library.makeDerivedFiles(path: source, metadata: asset.metadata, sha256: asset.hash.sha256,
                                                thumbnailer: .success(thumbnailer), spec: options.thumbnailSpec)
            // A file that cannot be written says nothing about the original: keep the records.
            if let error = made.writeError { throw error }
            let unreferenced = try library.catalog.replaceDerivedFiles(of: asset.id, sha256: asset.hash.sha256,
                                                                       with: made.files, thumbhash: made.thumbhash,
                                                                       perceptual: made.perceptual, embedding: made.embedding)
            for relative in unreferenced { unlink(library.path + "/" + relative) }
            if let failed = made.files.first(where: { $0.status == .failed }) {
                return .failed(RegenerateFailure(asset: asset.id, filename: asset.originalFilename,
                                                 reason: failed.error ?? "the preview could not be made"))
            }
            return .regenerated(asset.id)
        } catch {
            switch error.code {
            case .diskFull: stop(because: "the disk is full (\(error))")
            case .catalog: stop(because: "recording in the catalog failed: \(error)")
            default: break
            }
            return .failed(RegenerateFailure(asset: asset.id, filename: asset.originalFilename, reason: error.description))
        }
    }

    /// Whether ``RegenerateOptions/onlyMissing`` leaves a photo as it is: ready derived files on
    /// disk, a ThumbHash, a perceptual hash and the built-in provider's embedding.
    private func isComplete(_ asset: Asset) throws(MediaStoreError) -> Bool {
        guard library.hasReadyDerivedFiles(asset, try library.catalog.derivedFiles(of: asset.id)) else { return false }
        return try library.catalog.hasPerceptualHashAndEmbedding(of: asset.id, provider: ColorTextureDescriptor().name)
    }

    func handle(_ outcome: Outcome) {
        let event: RegenerateEvent = state.withLock { s in
            s.processed += 1
            switch outcome {
            case .regenerated(let id):
                s.summary.regenerated += 1
                return .regenerated(id)
            case .skipped(let id, let reason):
                s.summary.skipped += 1
                return .skipped(id, reason: reason)
            case .failed(let failure):
                s.summary.failed += 1
                if s.summary.failures.count < 10_000 { s.summary.failures.append(failure) }
                return .failed(failure)
            }
        }
        events?(event)
        reportProgress(force: false)
    }

    func reportProgress(force: Bool) {
        guard let events else { return }
        let snapshot: RegenerateProgress? = state.withLock { s in
            guard s.progressClock.isDue(every: options.progressInterval, force: force) else { return nil }
            return RegenerateProgress(processed: s.processed, total: max(total, s.processed), summary: s.summary,
                                      elapsed: Date().timeIntervalSince(start))
        }
        if let snapshot { events(.progress(snapshot)) }
    }

    func finish() -> RegenerateSummary {
        reportProgress(force: true)
        return state.withLock { s in
            var summary = s.summary
            summary.seconds = Date().timeIntervalSince(start)
            summary.stoppedBecause = s.stopped
            return summary
        }
    }
}
