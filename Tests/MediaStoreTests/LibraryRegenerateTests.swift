import Foundation
import GRDB
import MediaML
import Synchronization
import Testing
@testable import MediaStore

/// `Library.regenerateThumbnails` and the import's count of photos without thumbnails, on PNGs
/// the tests write themselves (and, when ../shared/corpus is present, a JPEG, a HEIC and a video).
@Suite struct LibraryRegenerateTests {
    /// Three photos of different shapes, one smaller than the thumbnail's short edge.
    static let shapes: [(name: String, width: Int, height: Int)] = [("wide.png", 480, 320), ("tall.png", 320, 480), ("small.png", 300, 200)]

    static func photos(_ dir: TemporaryFolder, folder: String = "photos") throws {
        for (index, shape) in shapes.enumerated() {
            try dir.write(folder + "/" + shape.name, PNGFixture.make(width: shape.width, height: shape.height, salt: UInt8(index * 40)))
        }
    }

    /// A library holding the three photos, imported with `options`, and its assets by name.
    static func library(_ dir: TemporaryFolder, _ options: ImportOptions = ImportOptions()) async throws -> (Library, [String: Asset]) {
        try photos(dir)
        let library = try Library(at: dir.sub("library"))
        let summary = await library.import([dir.sub("photos")], options: options)
        #expect(summary.imported == 3 && summary.thumbnailFailures == 0, "\(summary)")
        return (library, try assets(library))
    }

    static func withoutThumbnails() -> ImportOptions {
        var options = ImportOptions()
        options.makesThumbnails = false
        return options
    }

    static func missing() -> RegenerateOptions {
        var options = RegenerateOptions()
        options.onlyMissing = true
        options.pageSize = 2  // several pages even for a few assets
        return options
    }

    static func assets(_ library: Library) throws -> [String: Asset] {
        var byName: [String: Asset] = [:]
        try library.forEachAsset { byName[$0.originalFilename] = $0; return true }
        return byName
    }

    /// Regenerates, collecting the ids of the assets it regenerated.
    static func regenerate(_ library: Library, _ options: RegenerateOptions) async -> (RegenerateSummary, Set<AssetID>) {
        let done = Mutex(Set<AssetID>())
        let summary = await library.regenerateThumbnails(options) { event in
            if case .regenerated(let id) = event { done.withLock { _ = $0.insert(id) } }
        }
        return (summary, done.withLock { $0 })
    }

    /// The asset has a ready preview and thumbnail of the right sizes on disk, and a ThumbHash.
    static func expectComplete(_ library: Library, _ asset: Asset, spec: ThumbnailSpec = ThumbnailSpec()) throws {
        let asset = try #require(try library.asset(asset.id))
        let files = try library.derivedFiles(of: asset.id)
        #expect(files.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.preview, .thumbnail], "\(asset.originalFilename): \(files)")
        let short = min(asset.metadata.width ?? 0, asset.metadata.height ?? 0)
        for file in files {
            #expect(file.status == .ready, "\(asset.originalFilename) \(file.kind): \(file.error ?? "")")
            let path = try #require(library.path(of: file))
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(Int64(bytes.count) == file.size)
            #expect(MediaFormat.sniff(bytes) == (file.kind == .preview ? .jpeg : .webp))
            let edge = file.kind == .preview ? spec.previewShortEdge : spec.thumbnailShortEdge
            #expect(min(file.width ?? 0, file.height ?? 0) == min(edge, short), "\(asset.originalFilename) \(file.kind)")
            #expect(path.hasSuffix("-\(min(edge, short)).\(file.kind == .preview ? "jpg" : "webp")"))
        }
        #expect((asset.thumbhash?.count ?? 0) >= 20, "\(asset.originalFilename) has a ThumbHash")
    }

    @Test func missingMakesWhatAnImportWithoutThumbnailsLeftOut() async throws {
        let dir = try TemporaryFolder()
        let (library, imported) = try await Self.library(dir, Self.withoutThumbnails())
        var byName = imported
        for asset in byName.values {
            #expect(try library.derivedFiles(of: asset.id).isEmpty)
            #expect(asset.thumbhash == nil)
        }
        #expect(try library.statistics().imagesWithoutThumbnail == 3)

        let progress = Mutex<[RegenerateProgress]>([])
        let summary = await library.regenerateThumbnails(Self.missing()) { event in
            if case .progress(let p) = event { progress.withLock { $0.append(p) } }
        }
        #expect(summary.regenerated == 3 && summary.failed == 0 && summary.skipped == 0, "\(summary.failures)")
        #expect(summary.stoppedBecause == nil)
        let last = try #require(progress.withLock { $0.last })
        #expect(last.processed == 3 && last.total == 3)
        byName = try Self.assets(library)
        for asset in byName.values { try Self.expectComplete(library, asset) }
        #expect(try library.statistics().imagesWithoutThumbnail == 0)
        // The portrait stays a portrait; the small one is not upscaled.
        let tallAsset = try #require(byName["tall.png"])
        let tall = try #require(try library.derivedFiles(of: tallAsset.id).first { $0.kind == .thumbnail })
        #expect(tall.width == 250 && tall.height == 375)

        // Nothing missing: nothing done.
        let again = await library.regenerateThumbnails(Self.missing())
        #expect(again.regenerated == 0 && again.skipped == 3 && again.failed == 0)
        #expect(try await library.verify(deep: true).isClean)
    }

    @Test func missingRedoesOnlyWhatWasDeletedFromThumbs() async throws {
        let dir = try TemporaryFolder()
        let (library, byName) = try await Self.library(dir)
        let wide = try #require(byName["wide.png"])
        let thumbnail = try #require(try library.derivedFiles(of: wide.id).first { $0.kind == .thumbnail })
        let thumbnailPath = try #require(library.path(of: thumbnail))
        try FileManager.default.removeItem(atPath: thumbnailPath)
        #expect(try library.statistics().imagesWithoutThumbnail == 0, "the catalog does not know yet")

        let (summary, done) = await Self.regenerate(library, Self.missing())
        #expect(summary.regenerated == 1 && summary.skipped == 2 && summary.failed == 0, "\(summary.failures)")
        #expect(done == [wide.id])
        #expect(FileManager.default.fileExists(atPath: thumbnailPath))
        try Self.expectComplete(library, wide)

        // A user deleted thumbs/ altogether.
        try FileManager.default.removeItem(atPath: dir.sub("library/thumbs"))
        let (all, allDone) = await Self.regenerate(library, Self.missing())
        #expect(all.regenerated == 3 && all.skipped == 0)
        #expect(allDone == Set(byName.values.map(\.id)))
        for asset in byName.values { try Self.expectComplete(library, asset) }
    }

    /// A photo imported before `v2-near-duplicates` has no perceptual hash (nor pairs), one
    /// imported before `v3-embeddings` no embedding: `onlyMissing` does them, and only them.
    @Test func missingHashesAndEmbeddingsOfOlderImportsAreMade() async throws {
        let dir = try TemporaryFolder()
        // The gradients look alike whatever their size: one near-duplicate group of all four.
        try Self.photos(dir)
        try dir.write("photos/large.png", PNGFixture.make(width: 600, height: 400, salt: 120))
        let library = try Library(at: dir.sub("library"))
        let imported = await library.import([dir.sub("photos")])
        #expect(imported.imported == 4 && imported.thumbnailFailures == 0, "\(imported)")
        let byName = try Self.assets(library)
        let catalog = try #require(library.catalog as? SQLiteCatalog)
        let provider = ColorTextureDescriptor().name
        let wide = try #require(byName["wide.png"]), tall = try #require(byName["tall.png"])
        let others = Set(byName.values.map(\.id)).subtracting([wide.id, tall.id])
        func groups() throws -> Set<Set<AssetID>> { Set(try library.nearDuplicateGroups().map { Set($0.assets.map(\.id)) }) }
        func count(_ table: String, _ asset: AssetID, provider: String? = nil) async throws -> Int {
            try await catalog.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE asset_id = ?" + (provider == nil ? "" : " AND provider = ?"),
                                 arguments: StatementArguments([asset.description] + (provider.map { [$0] } ?? []))) ?? 0
            }
        }
        let groupsAtImport = try groups()
        #expect(groupsAtImport.contains { $0.contains(wide.id) }, "\(groupsAtImport)")
        let hashAtImport = try catalog.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT phash, dhash FROM perceptual_hashes WHERE asset_id = ?", arguments: [wide.id.description])
        }
        #expect(hashAtImport != nil)
        let vectorAtImport = try #require(try catalog.embedding(of: tall.id, provider: provider))

        // As an older version left them: wide.png without a hash or pairs, tall.png without the
        // built-in embedding (another provider's does not count).
        try await catalog.pool.write { db in
            try db.execute(sql: "DELETE FROM perceptual_hashes WHERE asset_id = ?", arguments: [wide.id.description])
            try db.execute(sql: "DELETE FROM near_duplicates WHERE asset_id = ? OR other_id = ?",
                           arguments: [wide.id.description, wide.id.description])
            try db.execute(sql: "DELETE FROM embeddings WHERE asset_id = ?", arguments: [tall.id.description])
            try db.execute(sql: "INSERT INTO embeddings (asset_id, provider, owner_id, vector) VALUES (?, 'another-model', ?, ?)",
                           arguments: [tall.id.description, tall.ownerID.description, Data(repeating: 0, count: 16)])
        }
        #expect(try await count("perceptual_hashes", wide.id) == 0)
        #expect(try await count("embeddings", tall.id, provider: provider) == 0)
        #expect(try !groups().contains { $0.contains(wide.id) })
        #expect(throws: MediaStoreError.self) { try library.similar(to: tall.id) }
        #expect(try !library.similar(to: wide.id).contains { $0.asset.id == tall.id })

        let skipped = Mutex(Set<AssetID>())
        let done = Mutex(Set<AssetID>())
        let summary = await library.regenerateThumbnails(Self.missing()) { event in
            switch event {
            case .regenerated(let id): done.withLock { _ = $0.insert(id) }
            case .skipped(let id, _): skipped.withLock { _ = $0.insert(id) }
            default: break
            }
        }
        #expect(summary.regenerated == 2 && summary.skipped == 2 && summary.failed == 0, "\(summary.failures)")
        #expect(summary.stoppedBecause == nil)
        #expect(done.withLock { $0 } == [wide.id, tall.id])
        #expect(skipped.withLock { $0 } == others)
        for asset in [wide, tall] { try Self.expectComplete(library, asset) }

        // The rows are back, made of the same pixels as at import.
        #expect(try await count("perceptual_hashes", wide.id) == 1)
        let hash = try catalog.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT phash, dhash FROM perceptual_hashes WHERE asset_id = ?", arguments: [wide.id.description])
        }
        #expect(hash == hashAtImport)
        #expect(try await count("embeddings", tall.id, provider: provider) == 1)
        #expect(try catalog.embedding(of: tall.id, provider: provider) == vectorAtImport)
        // wide.png is in its group again; tall.png has neighbours and is one.
        #expect(try groups() == groupsAtImport)
        let similar = try library.similar(to: tall.id)
        #expect(similar.count == 3 && !similar.contains { $0.asset.id == tall.id }, "\(similar.map(\.asset.originalFilename))")
        #expect(try library.similar(to: wide.id).contains { $0.asset.id == tall.id })

        // Nothing missing: nothing done.
        let again = await library.regenerateThumbnails(Self.missing())
        #expect(again.regenerated == 0 && again.skipped == 4 && again.failed == 0)
    }

    @Test func aCorruptOriginalIsRecordedAsFailedAndTheOthersAreDone() async throws {
        let dir = try TemporaryFolder()
        let (library, imported) = try await Self.library(dir)
        var byName = imported
        // In-place photos: one whose file goes away afterwards, one replaced by another picture.
        try dir.write("elsewhere/gone.png", PNGFixture.make(width: 200, height: 300, salt: 250))
        try dir.write("elsewhere/changed.png", PNGFixture.make(width: 200, height: 300, salt: 251))
        var inPlace = ImportOptions()
        inPlace.mode = .inPlace
        let placed = await library.import([dir.sub("elsewhere")], options: inPlace)
        #expect(placed.imported == 2)
        byName = try Self.assets(library)
        let gone = try #require(byName["gone.png"]), changed = try #require(byName["changed.png"])
        let goneFiles = try library.derivedFiles(of: gone.id), changedFiles = try library.derivedFiles(of: changed.id)
        #expect((goneFiles + changedFiles).allSatisfy { $0.status == .ready })
        try FileManager.default.removeItem(atPath: dir.sub("elsewhere/gone.png"))
        try dir.write("elsewhere/changed.png", PNGFixture.make(width: 210, height: 300, salt: 251))

        // The object of small.png loses all but its first 20 bytes (objects are read-only).
        let small = try #require(byName["small.png"])
        let object = try #require(library.blobs.localPath(of: small.hash.sha256))
        let oldSmallFiles = try library.derivedFiles(of: small.id).compactMap { library.path(of: $0) }
        #expect(oldSmallFiles.count == 2)
        #expect(chmod(object, 0o644) == 0)
        #expect(truncate(object, 20) == 0)

        let (summary, done) = await Self.regenerate(library, RegenerateOptions())
        #expect(summary.regenerated == 2 && summary.failed == 3 && summary.skipped == 0)
        #expect(summary.stoppedBecause == nil)
        byName = try Self.assets(library)
        let wide = try #require(byName["wide.png"]), tall = try #require(byName["tall.png"])
        #expect(done == [wide.id, tall.id])
        for asset in [wide, tall] { try Self.expectComplete(library, asset) }

        let failures = Dictionary(uniqueKeysWithValues: summary.failures.map { ($0.asset, $0) })
        // The damaged original: failed records with the reason, no ThumbHash, its old files gone.
        let smallFailure = try #require(failures[small.id])
        #expect(smallFailure.filename == "small.png")
        #expect(smallFailure.description.contains(small.id.description) && smallFailure.reason.contains(object), "\(smallFailure)")
        let smallFiles = try library.derivedFiles(of: small.id)
        #expect(smallFiles.count == 2 && smallFiles.allSatisfy { $0.status == .failed && ($0.error ?? "").contains(object) }, "\(smallFiles)")
        #expect(try library.asset(small.id)?.thumbhash == nil)
        for path in oldSmallFiles { #expect(!FileManager.default.fileExists(atPath: path), "\(path) is no longer referenced") }
        #expect(try library.statistics().imagesWithoutThumbnail == 1)

        // The missing original: reported, and its records left as they were.
        let goneFailure = try #require(failures[gone.id])
        #expect(goneFailure.reason.contains(dir.sub("elsewhere/gone.png")) && goneFailure.reason.contains("missing"), "\(goneFailure)")
        #expect(try library.derivedFiles(of: gone.id) == goneFiles)
        #expect(try library.asset(gone.id)?.thumbhash == gone.thumbhash)
        // The changed one: its thumbnails are not made of another picture.
        let changedFailure = try #require(failures[changed.id])
        #expect(changedFailure.reason.contains(dir.sub("elsewhere/changed.png")) && changedFailure.reason.contains("changed"), "\(changedFailure)")
        #expect(try library.derivedFiles(of: changed.id) == changedFiles)

        // --missing tries the damaged one again; the in-place ones still have their files.
        let retry = await library.regenerateThumbnails(Self.missing())
        #expect(retry.failed == 1 && retry.regenerated == 0 && retry.skipped == 4)
        #expect(retry.failures.map(\.asset) == [small.id])
    }

    @Test func aNewSpecMakesNewFilesAndRemovesTheOldOnes() async throws {
        let dir = try TemporaryFolder()
        let (library, byName) = try await Self.library(dir)
        var old: [String] = []
        for asset in byName.values { old += try library.derivedFiles(of: asset.id).compactMap { library.path(of: $0) } }
        #expect(old.count == 6)

        var options = RegenerateOptions()
        options.thumbnailSpec.previewShortEdge = 240
        options.thumbnailSpec.thumbnailShortEdge = 100
        options.concurrency = 2
        let summary = await library.regenerateThumbnails(options)
        #expect(summary.regenerated == 3 && summary.failed == 0)
        for asset in byName.values { try Self.expectComplete(library, asset, spec: options.thumbnailSpec) }
        for path in old {
            // small.png (200 px) keeps its 200 px preview: same name, made again, still there.
            #expect(FileManager.default.fileExists(atPath: path) == path.hasSuffix("-200.jpg"), "\(path)")
        }
        #expect(try await library.verify(deep: true).isClean)
    }

    /// Derived files are shared by the owners of the same bytes: the first regenerated keeps
    /// the old file for the other.
    @Test func aDerivedFileStillReferencedByAnotherOwnerIsKept() async throws {
        let dir = try TemporaryFolder()
        try dir.write("photos/shared.png", PNGFixture.make(width: 400, height: 300, salt: 7))
        let library = try Library(at: dir.sub("library"))
        let catalog = try #require(library.catalog as? SQLiteCatalog)
        let other = UserID()
        try await catalog.pool.write { db in
            try db.execute(sql: "INSERT INTO users (id, name, created_at) VALUES (?, 'other', 0)", arguments: [other.description])
        }
        _ = await library.import([dir.sub("photos")])
        try dir.write("copy/shared.png", PNGFixture.make(width: 400, height: 300, salt: 7))
        var options = ImportOptions()
        options.owner = other
        let copied = await library.import([dir.sub("copy")], options: options)
        #expect(copied.imported == 1)
        var assets: [Asset] = []
        try library.forEachAsset { assets.append($0); return true }
        #expect(assets.count == 2)
        let oldPaths = try Set(library.derivedFiles(of: assets[0].id).compactMap(\.path))
        #expect(try Set(library.derivedFiles(of: assets[1].id).compactMap(\.path)) == oldPaths)

        let failed = DerivedFile.Kind.allCases.map { DerivedFile(kind: $0, status: .failed, error: "test") }
        let first = try catalog.replaceDerivedFiles(of: assets[0].id, sha256: assets[0].hash.sha256, with: failed, thumbhash: nil, perceptual: nil, embedding: nil)
        #expect(first.isEmpty, "the other owner's asset still refers to them")
        let second = try catalog.replaceDerivedFiles(of: assets[1].id, sha256: assets[1].hash.sha256, with: failed, thumbhash: nil, perceptual: nil, embedding: nil)
        #expect(Set(second) == oldPaths)
        #expect(try library.asset(assets[1].id)?.thumbhash == nil)
    }

    @Test func importCountsThePhotosWhoseThumbnailsFailed() async throws {
        let dir = try TemporaryFolder()
        try Self.photos(dir)
        // A JPEG whose header reads but whose pixels are gone.
        try dir.write("photos/cut.jpg", JPEGFixture.make(width: 640, height: 480))
        let library = try Library(at: dir.sub("library"))
        let summary = await library.import([dir.sub("photos")])
        #expect(summary.imported == 4 && summary.failed == 0 && summary.thumbnailFailures == 1, "\(summary)")
        let cut = try #require(try Self.assets(library)["cut.jpg"])
        #expect(try library.derivedFiles(of: cut.id).allSatisfy { $0.status == .failed && ($0.error ?? "").contains("cut.jpg") })
        #expect(try library.statistics().imagesWithoutThumbnail == 1)

        let retry = await library.regenerateThumbnails(Self.missing())
        #expect(retry.regenerated == 0 && retry.failed == 1 && retry.skipped == 3)
        #expect(retry.failures.first?.asset == cut.id && retry.failures.first?.filename == "cut.jpg")
    }

    /// Real formats and a video (skipped when ../shared/corpus is absent).
    @Test(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
    func corpusPhotosAreMadeAndVideosKeepTheirRecords() async throws {
        let dir = try TemporaryFolder()
        let media = Corpus.root + "/media/"
        for name in ["exif-samples/jpg/orientation/portrait_6.jpg", "exif-samples/heic/IMG_5195.HEIC",
                     "metadata-extractor-images/mov/with-gps.mov"] {
            try FileManager.default.createDirectory(atPath: dir.sub("photos"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: media + name, toPath: dir.sub("photos/" + (name as NSString).lastPathComponent))
        }
        let library = try Library(at: dir.sub("library"))
        let imported = await library.import([dir.sub("photos")], options: Self.withoutThumbnails())
        #expect(imported.imported == 3)
        let byName = try Self.assets(library)
        let video = try #require(byName["with-gps.mov"])

        let missing = await library.regenerateThumbnails(Self.missing())
        #expect(missing.regenerated == 2 && missing.skipped == 1 && missing.failed == 0, "\(missing.failures)")
        for name in ["portrait_6.jpg", "IMG_5195.HEIC"] { try Self.expectComplete(library, try #require(byName[name])) }
        #expect(try library.derivedFiles(of: video.id).isEmpty)

        // A library made with thumbnails: the video's records stay "unsupported".
        let other = try Library(at: dir.sub("library2"))
        _ = await other.import([dir.sub("photos")])
        let otherVideo = try #require(try Self.assets(other)["with-gps.mov"])
        let records = try other.derivedFiles(of: otherVideo.id)
        let all = await other.regenerateThumbnails()
        #expect(all.regenerated == 2 && all.skipped == 1 && all.failed == 0)
        #expect(try other.derivedFiles(of: otherVideo.id) == records && records.allSatisfy { $0.status == .unsupported })
    }
}
