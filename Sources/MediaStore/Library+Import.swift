import MediaCore
import Foundation
import MediaML
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Library {
    /// Imports files and folders (walked recursively) into the library.
    ///
    /// Per file: sniff the format, hash it (SHA-256 and SHA-1 in one streaming pass, while
    /// copying it into the staging area), skip it as a duplicate when the owner already has the
    /// bytes, move the object into place, read its metadata, and record it in the catalog in
    /// batched transactions. A file that cannot be read is reported and the import goes on.
    ///
    /// Safe to interrupt at any moment, even with `kill -9`: objects are written before the
    /// catalog rows that point at them, sources are deleted (``ImportOptions/Mode/move``) only
    /// after their rows are committed, and importing again picks up where it stopped. Files an
    /// earlier import took in are recognised by path, size and modification time without
    /// hashing them again.
    ///
    /// ```swift
    /// var options = ImportOptions()
    /// options.mode = .inPlace
    /// let summary = try await library.import(["/photos"], options: options) { event in
    ///     if case .failed(let failure) = event { print(failure) }
    /// }
    /// ```
    /// - Parameters:
    ///   - paths: Files and folders. Hidden files and OS litter in folders are skipped, folder
    ///     symlinks are not followed.
    ///   - options: Mode, concurrency, owner; see ``ImportOptions``.
    ///   - events: Called from worker threads with progress and per-file outcomes.
    /// - Returns: The counts; `failed > 0` when some files could not be imported.
    /// - Throws: Nothing for single files (they are reported in the summary); the summary's
    ///   `stoppedBecause` says why an import stopped early (a full disk, a catalog failure).
    /// - Complexity: Memory and open files are bounded by `options.concurrency` and
    ///   `options.batchSize`, whatever the number of files.
    public func `import`(_ paths: [String], options: ImportOptions = ImportOptions(),
                         events: (@Sendable (ImportEvent) -> Void)? = nil) async -> ImportSummary {
        let run = ImportRun(library: self, paths: paths, options: options, events: events)
        let workers = max(1, options.concurrency)
        await BlockingThreads.run(count: workers + 1, name: "mediakit-import", onCancel: { run.stop(because: "cancelled") }) { index in
            if index == workers { run.countFiles() } else { run.work() }
        }
        let summary = run.finish()
        // The vectors just stored go into the owner's index now rather than at the next search
        // (a failure here is not the import's: the catalog holds them, a search catches up).
        if summary.imported > 0 { try? updateVectorIndexes(owner: options.owner) }
        return summary
    }
}

/// The file extensions a library takes in, lower case, without the dot (what an upload client
/// asks the server for before it walks a folder).
public enum MediaFileTypes {
    /// Photos: JPEG, HEIF/AVIF, PNG, GIF, WebP, TIFF, BMP, JPEG XL, JPEG 2000 and camera raws.
    public static let images = [
        "jpg", "jpeg", "jpe", "jfif", "heic", "heif", "hif", "avif", "png", "apng", "gif", "webp", "tif", "tiff", "bmp",
        "jxl", "jp2", "j2k", "dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "orf", "rw2", "raw", "raf",
        "pef", "mrw", "x3f", "iiq",
    ]
    /// Videos.
    public static let videos = ["mov", "mp4", "m4v", "3gp", "3g2", "avi", "mts", "m2ts", "ts", "mkv", "webm"]
    /// Metadata sidecars kept beside an original.
    public static let sidecars = ["xmp"]
}

/// Extensions of files that are meant to be media: such a file that cannot be recognised is a
/// failure (damaged), any other unrecognised file is skipped (not media).
enum MediaExtensions {
    static let all = Set(MediaFileTypes.images + MediaFileTypes.videos)

    static func isMedia(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return false }
        return all.contains(path[path.index(after: dot)...].lowercased())
    }
}

/// The state of one running import, shared by its worker threads.
final class ImportRun: Sendable {
    let library: Library
    let options: ImportOptions
    let owner: UserID
    let events: (@Sendable (ImportEvent) -> Void)?
    let reader: StandardMetadataReader
    /// The thumbnailer, or why there is none (libvips could not be loaded).
    let thumbnailer: Result<any Thumbnailer, MediaCoreError>?
    let start = Date()
    private let paths: [String]
    private let walker: LockedIterator<String>

    private struct State {
        var summary = ImportSummary()
        var processed = 0
        var found = 0
        var walkFinished = false
        var pending: [PendingImport] = []
        var lastCommit = Date()
        var progressClock = ProgressClock()
        var stopped: String?
    }
    private let state = Mutex(State())
    /// Held while a batch is committed, so batches are written in order, one at a time.
    private let commitLock = Mutex(())

    init(library: Library, paths: [String], options: ImportOptions, events: (@Sendable (ImportEvent) -> Void)?) {
        self.library = library
        self.options = options
        self.owner = options.owner ?? library.defaultOwner
        self.events = events
        self.paths = paths.map(Library.absolute)
        self.walker = LockedIterator(FileWalker.files(under: self.paths, excluding: [library.path]))
        var config = StandardMetadataReader.Configuration()
        config.readsSidecars = options.readsSidecars
        self.reader = StandardMetadataReader(configuration: config)
        if options.makesThumbnails {
            do throws(MediaCoreError) {
                thumbnailer = .success(try library.thumbnailer())
            } catch {
                thumbnailer = .failure(error)
            }
        } else {
            thumbnailer = nil
        }
    }

    var isStopped: Bool { state.withLock { $0.stopped != nil } }

    func stop(because reason: String) {
        state.withLock { if $0.stopped == nil { $0.stopped = reason } }
    }

    /// Counts the files ahead of the workers, for the progress display's ETA.
    func countFiles() {
        var n = 0
        for _ in FileWalker.files(under: paths, excluding: [library.path]) {
            n += 1
            if n % 1024 == 0 {
                let count = n
                state.withLock { $0.found = max($0.found, count) }
                if isStopped { return }
            }
        }
        let count = n
        state.withLock { $0.found = count; $0.walkFinished = true }
    }

    func work() {
        while !isStopped, let path = walker.next() {
            let outcome = process(path)
            handle(outcome, path: path)
        }
        commitPending(force: true)
    }

    enum Outcome {
        case skipped(String, unchanged: Bool)
        case failed(MediaStoreError)
        case pending(PendingImport, bytes: Int64)
    }

    /// One file, up to the catalog write.
    func process(_ path: String) -> Outcome {
        guard let info = Posix.fileInfo(path) else {
            var st = stat()
            if stat(path, &st) == 0 { return .skipped("not a regular file", unchanged: false) }
            return .failed(Posix.error(errno, "cannot read the file", path: path, reading: true))
        }
        do throws(MediaStoreError) {
            if let known = try library.catalog.knownSource(path: path), known.size == info.size, known.mtime == info.mtime {
                // A move interrupted after its batch was committed: the source is recorded and its
                // object stored, so it can go now (never a file that only an in-place asset has).
                if options.mode == .move, library.blobs.size(of: known.sha256) == info.size {
                    unlink(path)
                }
                return .skipped("unchanged since it was imported", unchanged: true)
            }
            // Metadata before hashing: the reader sniffs the format with a few small reads, so a
            // file that is not media (or cannot be read at all) is never hashed or copied.
            let metadata: MediaMetadata
            do {
                metadata = try reader.read(path: path)
            } catch where error.code == .unsupportedFormat {
                guard MediaExtensions.isMedia(path) else { return .skipped("not a photo or video", unchanged: false) }
                let detail = error.message == "the file is empty"
                    ? error.message : "the file's contents are not a recognised image or video format; it may be damaged"
                return .failed(MediaStoreError(.corrupt, detail, path: path))
            } catch {
                return .failed(MediaStoreError(error).at(path))
            }
            return try store(path, info: info, metadata: metadata)
        } catch {
            return .failed(error.at(path))
        }
    }

    private func store(_ path: String, info: (size: Int64, mtime: Double), metadata: MediaMetadata) throws(MediaStoreError) -> Outcome {
        let blobs = library.blobs
        var staged: StagedObject?
        let hash: ContentHash
        let size: Int64
        switch options.mode {
        case .copy, .move:
            let s = try blobs.stage(from: path, mode: options.mode == .move ? .linkOrCopy : .copy)
            staged = s
            hash = s.hash
            size = s.size
        case .inPlace:
            (hash, size) = try Posix.hashFile(path)
        }
        func pending(_ content: PendingImport.Content) -> Outcome {
            .pending(PendingImport(content: content, sourcePath: path, sourceSize: size, sourceMTime: info.mtime),
                     bytes: size)
        }
        do throws(MediaStoreError) {
            if let existing = try library.catalog.assetID(owner: owner, sha256: hash.sha256) {
                if let staged { blobs.discard(staged) }
                return pending(.duplicate(sha256: hash.sha256, of: existing))
            }
            if let s = staged {
                staged = nil
                _ = try blobs.store(s)
            }
            var asset = Asset(id: AssetID(), ownerID: owner, hash: hash, size: size,
                              originalFilename: (path as NSString).lastPathComponent, metadata: metadata,
                              storage: options.mode == .inPlace ? .external(path: path) : .managed, sourcePath: path)
            asset.fileModifiedAt = Date(timeIntervalSince1970: info.mtime)
            asset.fileCreatedAt = (try? FileManager.default.attributesOfItem(atPath: path))?[.creationDate] as? Date
            library.locate(&asset)
            var derived: [DerivedFile] = []
            var made = DerivedImages(files: [])
            if let thumbnailer {
                made = library.makeDerivedFiles(path: path, metadata: metadata, sha256: hash.sha256,
                                                thumbnailer: thumbnailer, spec: options.thumbnailSpec)
                (derived, asset.thumbhash) = (made.files, made.thumbhash)
            }
            return pending(.new(asset, derived: derived, perceptual: made.perceptual, embedding: made.embedding))
        } catch {
            if let staged { blobs.discard(staged) }
            throw error
        }
    }

    func handle(_ outcome: Outcome, path: String) {
        var event: ImportEvent?
        state.withLock { s in
            switch outcome {
            case .skipped(let reason, let unchanged):
                s.summary.skipped += 1
                if unchanged { s.summary.unchanged += 1 }
                s.processed += 1
                event = .skipped(path: path, reason: reason)
            case .failed(let error):
                let failure = ImportFailure(path: path, error: error)
                s.summary.failed += 1
                if s.summary.failures.count < 10_000 { s.summary.failures.append(failure) }
                s.processed += 1
                event = .failed(failure)
                if error.code == .diskFull, s.stopped == nil { s.stopped = "the disk is full (\(error))" }
            case .pending(let item, let bytes):
                s.pending.append(item)
                s.summary.bytesHashed += bytes
            }
        }
        if let event { events?(event) }
        commitPending(force: false)
        reportProgress(force: false)
    }

    /// Commits the pending batch when it is full, old enough, or `force`d.
    func commitPending(force: Bool) {
        // A worker that finds another committing goes back to work; the batch waits for the next.
        // Past four batches waiting, workers wait too, so memory stays bounded.
        let backlog = state.withLock { $0.pending.count >= 4 * options.batchSize }
        if force || backlog {
            commitLock.withLock { _ in commitDueBatch(force: force) }
        } else {
            _ = commitLock.withLockIfAvailable { _ in commitDueBatch(force: false) }
        }
    }

    /// Takes the pending batch when it is due and records it; the caller holds `commitLock`.
    private func commitDueBatch(force: Bool) {
        let batch: [PendingImport] = state.withLock { s in
            guard !s.pending.isEmpty else { return [] }
            let due = force || s.pending.count >= options.batchSize
                || Date().timeIntervalSince(s.lastCommit) >= options.maxBatchDelay
            guard due else { return [] }
            defer { s.pending.removeAll(keepingCapacity: true); s.lastCommit = Date() }
            return s.pending
        }
        guard !batch.isEmpty else { return }
        do throws(MediaStoreError) {
            // Objects first, durable, then the rows that point at them.
            try library.blobs.flush()
            let recorded = try library.catalog.record(batch)
            var out: [ImportEvent] = []
            for (item, result) in zip(batch, recorded) {
                if options.mode == .move { unlink(item.sourcePath) }
                switch result {
                case .imported(let id): out.append(.imported(path: item.sourcePath, asset: id))
                case .duplicate(of: let id): out.append(.duplicate(path: item.sourcePath, of: id))
                }
            }
            state.withLock { s in
                for (item, result) in zip(batch, recorded) {
                    s.processed += 1
                    switch result {
                    case .imported:
                        s.summary.imported += 1
                        s.summary.bytesImported += item.sourceSize
                        if case .new(_, let derived, _, _) = item.content, derived.contains(where: { $0.status == .failed }) {
                            s.summary.thumbnailFailures += 1
                        }
                    case .duplicate:
                        s.summary.duplicates += 1
                    }
                }
            }
            if let events { out.forEach(events) }
        } catch {
            // The batch's objects stay (an import run again adopts them); its files count as failed.
            let failures = batch.map { ImportFailure(path: $0.sourcePath, error: error) }
            state.withLock { s in
                s.processed += batch.count
                s.summary.failed += batch.count
                s.summary.failures.append(contentsOf: failures.prefix(max(0, 10_000 - s.summary.failures.count)))
                if s.stopped == nil { s.stopped = "recording in the catalog failed: \(error)" }
            }
            if let events { failures.forEach { events(.failed($0)) } }
        }
    }

    func reportProgress(force: Bool) {
        guard let events else { return }
        let snapshot: ImportProgress? = state.withLock { s in
            guard s.progressClock.isDue(every: options.progressInterval, force: force) else { return nil }
            return ImportProgress(processed: s.processed, found: max(s.found, s.processed), walkFinished: s.walkFinished,
                                  summary: s.summary, elapsed: Date().timeIntervalSince(start))
        }
        if let snapshot { events(.progress(snapshot)) }
    }

    func finish() -> ImportSummary {
        commitPending(force: true)
        reportProgress(force: true)
        return state.withLock { s in
            var summary = s.summary
            summary.seconds = Date().timeIntervalSince(start)
            summary.stoppedBecause = s.stopped
            return summary
        }
    }
}

/// A sequence's iterator behind a lock, so several threads can take items from one walk.
final class LockedIterator<Element>: @unchecked Sendable {
    private var iterator: AnyIterator<Element>
    private let lock = NSLock()

    init(_ sequence: some Sequence<Element>) {
        iterator = AnyIterator(sequence.makeIterator())
    }

    func next() -> Element? {
        lock.lock()
        defer { lock.unlock() }
        return iterator.next()
    }
}

/// When a run's next progress event is due.
struct ProgressClock {
    private var last = Date.distantPast

    /// Whether `interval` seconds have passed since the last event (always when `force`d);
    /// when so, the clock starts again.
    mutating func isDue(every interval: Double, force: Bool) -> Bool {
        let now = Date()
        guard force || now.timeIntervalSince(last) >= interval else { return false }
        last = now
        return true
    }
}

/// Runs blocking work on dedicated threads, never on Swift's cooperative pool.
enum BlockingThreads {
    /// Runs `body(0..<count)` on `count` new threads and returns when all have finished.
    /// - Parameter onCancel: Called (once, on any thread) when the calling task is cancelled;
    ///   it should make the bodies return soon.
    static func run(count: Int, name: String, onCancel: @escaping @Sendable () -> Void = {},
                    _ body: @escaping @Sendable (Int) -> Void) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let group = DispatchGroup()
                for index in 0..<count {
                    group.enter()
                    let thread = Thread {
                        body(index)
                        group.leave()
                    }
                    thread.name = "\(name)-\(index)"
                    thread.stackSize = 4 << 20
                    thread.start()
                }
                group.notify(queue: .global()) { continuation.resume() }
            }
        } onCancel: {
            onCancel()
        }
    }
}
