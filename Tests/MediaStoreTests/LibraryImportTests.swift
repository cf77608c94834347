import Foundation
import Synchronization
import Testing
import GRDB
@testable import MediaStore

@Suite struct LibraryImportTests {
    /// A folder of photos: three distinct JPEGs (one in a subfolder), a byte-identical copy,
    /// a text file, a damaged "JPEG", hidden files and OS litter.
    static func photos(_ dir: TemporaryFolder) throws -> (paths: [String: String], bytes: [String: [UInt8]]) {
        var bytes: [String: [UInt8]] = [:]
        bytes["a.jpg"] = JPEGFixture.make(date: "2021:04:11 15:47:53", offset: "-05:00", salt: "a")
        bytes["b.jpg"] = JPEGFixture.make(date: "2019:07:01 09:00:00", offset: nil, salt: "b")
        bytes["sub/c.jpg"] = JPEGFixture.make(date: "2019:07:20 10:00:00", offset: "+02:00", salt: "c")
        bytes["sub/copy of a.jpg"] = bytes["a.jpg"]
        var paths: [String: String] = [:]
        for (name, b) in bytes { paths[name] = try dir.write("photos/" + name, b) }
        paths["notes.txt"] = try dir.write("photos/notes.txt", Array("not a photo".utf8))
        paths["broken.jpg"] = try dir.write("photos/broken.jpg", Array("garbage, not a JPEG at all".utf8))
        try dir.write("photos/.hidden.jpg", JPEGFixture.make(salt: "hidden"))
        try dir.write("photos/@eaDir/thumb.jpg", JPEGFixture.make(salt: "synology"))
        try dir.write("photos/.DS_Store", [0, 0, 0, 1])
        return (paths, bytes)
    }

    @Test func importsEachPhotoOnceAndReportsWhatItCannotRead() async throws {
        let dir = try TemporaryFolder()
        let (paths, bytes) = try Self.photos(dir)
        let library = try Library(at: dir.sub("library"))
        let failures = Mutex<[ImportFailure]>([])
        let summary = await library.import([dir.sub("photos")]) { event in
            if case .failed(let f) = event { failures.withLock { $0.append(f) } }
        }
        #expect(summary.imported == 3)
        #expect(summary.duplicates == 1)
        #expect(summary.skipped == 1)  // notes.txt; hidden files and litter are not even seen
        #expect(summary.failed == 1)
        let failure = try #require(failures.withLock { $0 }.first)
        #expect(failure.path == paths["broken.jpg"])
        #expect(failure.error.code == .corrupt)
        #expect(failure.description.hasPrefix(paths["broken.jpg"] ?? "?"))
        #expect(summary.failures == [failure])

        // Every distinct original is stored once, byte for byte, and the catalog knows it.
        var seen: [String: Asset] = [:]
        try library.forEachAsset { seen[$0.originalFilename] = $0; return true }
        #expect(Set(seen.keys) == ["a.jpg", "b.jpg", "c.jpg"] || Set(seen.keys) == ["copy of a.jpg", "b.jpg", "c.jpg"])
        for asset in seen.values {
            let object = try #require(library.blobs.localPath(of: asset.hash.sha256))
            let stored = try Data(contentsOf: URL(fileURLWithPath: object))
            #expect(bytes.values.contains([UInt8](stored)))
            #expect(asset.storage == .managed)
            #expect(asset.ownerID == library.defaultOwner)
        }
        let c = try #require(seen["c.jpg"])
        #expect(c.metadata.capturedAt?.text == "2019-07-20T10:00:00+02:00")
        #expect(c.metadata.make == "MediaKit")
        #expect(c.sourcePath == paths["sub/c.jpg"])
        #expect(c.metadata.width == 64 && c.metadata.height == 48)
        #expect(try library.asset(c.id) == c)
        #expect(try library.timeline() == [TimelineBucket(month: "2021-04", count: 1), TimelineBucket(month: "2019-07", count: 2)])
    }

    @Test func importingAgainImportsNothingAndPicksUpChanges() async throws {
        let dir = try TemporaryFolder()
        let (paths, _) = try Self.photos(dir)
        let library = try Library(at: dir.sub("library"))
        _ = await library.import([dir.sub("photos")])
        let again = await library.import([dir.sub("photos")])
        #expect(again.imported == 0 && again.duplicates == 0)
        #expect(again.unchanged == 4, "the four media files are recognised by path, size and time")
        #expect(again.failed == 1, "the damaged file is tried again and reported again")

        // A file changed in place is hashed again and imported as new content; the old asset stays.
        let b = try #require(paths["b.jpg"])
        try Data(JPEGFixture.make(date: "2020:01:01 00:00:00", salt: "b2")).write(to: URL(fileURLWithPath: b))
        let third = await library.import([b])
        #expect(third.imported == 1)
        #expect(try library.statistics().assets == 4)
    }

    @Test func moveDeletesSourcesOnlyOnceRecorded() async throws {
        let dir = try TemporaryFolder()
        let (paths, _) = try Self.photos(dir)
        let library = try Library(at: dir.sub("library"))
        var options = ImportOptions()
        options.mode = .move
        let summary = await library.import([dir.sub("photos")], options: options)
        #expect(summary.imported == 3 && summary.duplicates == 1)
        for name in ["a.jpg", "b.jpg", "sub/c.jpg", "sub/copy of a.jpg"] {
            #expect(!FileManager.default.fileExists(atPath: paths[name] ?? ""), "\(name) was moved into the library")
        }
        #expect(FileManager.default.fileExists(atPath: paths["broken.jpg"] ?? ""), "a file that failed stays")
        #expect(FileManager.default.fileExists(atPath: paths["notes.txt"] ?? ""), "a skipped file stays")
        #expect(try await library.verify(deep: true).isClean)
    }

    @Test func movingASymlinkStoresTheFileNotTheLink() async throws {
        let dir = try TemporaryFolder()
        let target = try dir.write("elsewhere/real.jpg", JPEGFixture.make(salt: "real"))
        try FileManager.default.createDirectory(atPath: dir.sub("photos"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.sub("photos/link.jpg"), withDestinationPath: target)
        let library = try Library(at: dir.sub("library"))
        var options = ImportOptions()
        options.mode = .move
        let summary = await library.import([dir.sub("photos")], options: options)
        #expect(summary.imported == 1)
        let object = try #require(Array(library.blobs.allObjects()).first.flatMap { library.blobs.localPath(of: $0) })
        let attributes = try FileManager.default.attributesOfItem(atPath: object)
        #expect(attributes[.type] as? FileAttributeType == .typeRegular, "the object is the file, not a link")
        #expect(try await library.verify(deep: true).isClean)
    }

    @Test func inPlaceReferencesTheOriginalAndVerifyNoticesChanges() async throws {
        let dir = try TemporaryFolder()
        let (paths, _) = try Self.photos(dir)
        let library = try Library(at: dir.sub("library"))
        var options = ImportOptions()
        options.mode = .inPlace
        let summary = await library.import([dir.sub("photos")], options: options)
        #expect(summary.imported == 3)
        #expect(Array(library.blobs.allObjects()).isEmpty, "nothing is copied")
        var external: [String] = []
        try library.forEachAsset { asset in
            if case .external(let path) = asset.storage { external.append(path) }
            return true
        }
        #expect(external.count == 3)
        #expect(try await library.verify(deep: true).isClean)

        // Same size, different bytes: only the deep check sees it. Then a deleted original.
        let b = try #require(paths["b.jpg"])
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: b)))
        bytes[bytes.count - 3] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: b))
        #expect(try await library.verify(deep: false).isClean)
        let deep = try await library.verify(deep: true)
        #expect(deep.problems.count == 1)
        guard case .hashMismatch(_, let path, _, _) = deep.problems.first else { Issue.record("expected a hash mismatch"); return }
        #expect(path == b)
        try FileManager.default.removeItem(atPath: b)
        guard case .missingOriginal = try await library.verify().problems.first else { Issue.record("expected a missing original"); return }
    }

    @Test func concurrentCopiesOfTheSameBytesGiveOneAsset() async throws {
        let dir = try TemporaryFolder()
        let bytes = JPEGFixture.make(salt: "same")
        for i in 0..<40 { try dir.write("photos/\(i).jpg", bytes) }
        let library = try Library(at: dir.sub("library"))
        var options = ImportOptions()
        options.concurrency = 4
        options.batchSize = 3
        let summary = await library.import([dir.sub("photos")], options: options)
        #expect(summary.imported == 1 && summary.duplicates == 39)
        #expect(try library.statistics().sources == 40, "every path is recorded")
        #expect(Array(library.blobs.allObjects()).count == 1)
    }

    @Test func aLibraryInsideTheImportedFolderIsNotImported() async throws {
        let dir = try TemporaryFolder()
        try dir.write("a.jpg", JPEGFixture.make(salt: "a"))
        let library = try Library(at: dir.sub("library"))
        #expect(await library.import([dir.path]).imported == 1)
        // Again, now that the library holds an object and derived files: nothing of its own is taken in.
        let again = await library.import([dir.path])
        #expect(again.imported == 0 && again.duplicates == 0 && again.failed == 0 && again.skipped == 1)
    }

    @Test func refusesToTurnAFolderOfFilesIntoALibrary() throws {
        let dir = try TemporaryFolder()
        try dir.write("photos/a.jpg", JPEGFixture.make())
        #expect {
            _ = try Library(at: dir.sub("photos"))
        } throws: { ($0 as? MediaStoreError)?.code == .notALibrary }
        #expect(FileManager.default.fileExists(atPath: dir.sub("photos/a.jpg")))
        #expect(!FileManager.default.fileExists(atPath: dir.sub("photos/library.sqlite")))
    }

    @Test func catalogEnforcesItsInvariants() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let pool = try #require(library.catalog as? SQLiteCatalog).pool
        #expect(throws: (any Error).self) {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO assets (id, owner_id, sha256, sha1, kind, format, mime_type, size, original_filename, created_at, updated_at) VALUES ('x', 'nobody', zeroblob(32), zeroblob(20), 'image', 'jpeg', 'image/jpeg', 1, 'a', 0, 0)")
            }
        }
        #expect(throws: (any Error).self) {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO assets (id, owner_id, sha256, sha1, kind, format, mime_type, size, original_filename, created_at, updated_at) VALUES ('x', ?, zeroblob(31), zeroblob(20), 'image', 'jpeg', 'image/jpeg', 1, 'a', 0, 0)", arguments: [library.defaultOwner.description])
            }
        }
    }
}
