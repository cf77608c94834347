import Crypto
import Foundation
import GRDB
import Testing
@testable import MediaStore

/// Uploads as a server takes them: streamed to a staging file, then taken in; duplicates by
/// content, checksums, file names that are paths, files that are not media, and racing uploads
/// of the same bytes.
@Suite struct LibraryUploadTests {
    static func upload(_ library: Library, _ bytes: [UInt8], name: String, owner: UserID? = nil,
                       sha1: String? = nil) throws(MediaStoreError) -> UploadOutcome {
        let path = try library.makeUploadFile()
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return try library.addUpload(at: path, info: UploadInfo(filename: name, fileCreatedAt: Date(timeIntervalSince1970: 1_600_000_000)),
                                     owner: owner ?? library.defaultOwner, expectedSHA1: sha1)
    }

    static func stagingFiles(_ library: Library) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: library.path + "/tmp")) ?? []).filter { $0.hasSuffix(".part") }
    }

    static func count(_ library: Library) throws -> Int {
        var n = 0
        try library.forEachAsset { _ in n += 1; return true }
        return n
    }

    @Test func anUploadBecomesAnAssetOnceAndItsStagingFileGoes() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let png = PNGFixture.make(width: 320, height: 200, salt: 9)
        let first = try Self.upload(library, png, name: "IMG_0001.png")
        guard case .created(let id) = first else { Issue.record("not created: \(first)"); return }
        let asset = try #require(try library.asset(id))
        #expect(asset.originalFilename == "IMG_0001.png" && asset.size == Int64(png.count))
        #expect(asset.fileCreatedAt == Date(timeIntervalSince1970: 1_600_000_000))
        #expect(asset.hash.sha256 == SHA256.hash(data: png).map { String(format: "%02x", $0) }.joined())
        #expect(try library.derivedFiles(of: id).filter { $0.status == .ready }.count == 2)
        #expect(try library.nearDuplicateGroups().isEmpty)
        // The same bytes again, under another name: the same asset, nothing added.
        #expect(try Self.upload(library, png, name: "copy.png") == .duplicate(id))
        // Another user's upload of the same bytes is theirs.
        let alice = try library.addUser(name: "alice")
        let hers = try Self.upload(library, png, name: "IMG_0001.png", owner: alice.id)
        #expect(hers != .duplicate(id) && hers.asset != id)
        #expect(try Self.count(library) == 2 && Self.stagingFiles(library).isEmpty)
        // Nothing was recorded as an import source (a staging path means nothing to a rescan).
        let pool = try #require(library.catalog as? SQLiteCatalog).pool
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM import_sources") } == 0)
    }

    @Test func badUploadsAreRefusedByNameAndStoreNothing() throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let png = PNGFixture.make(width: 200, height: 120, salt: 3)
        let sha1 = Insecure.SHA1.hash(data: png).map { String(format: "%02x", $0) }.joined()
        for name in ["../../etc/passwd", "a/b.png", "..\\x.png", "", "..", "bad\u{0}.png", "tab\u{7}.png"] {
            #expect {
                _ = try Self.upload(library, png, name: name)
            } throws: { ($0 as? MediaStoreError)?.code == .invalidArgument }
        }
        #expect {
            _ = try Self.upload(library, png, name: "ok.png", sha1: String(repeating: "0", count: 40))
        } throws: { error in
            guard let e = error as? MediaStoreError else { return false }
            return e.code == .integrity && e.message.contains("ok.png")
        }
        #expect {
            _ = try Self.upload(library, Array("just some text\n".utf8), name: "notes.jpg")
        } throws: { error in
            guard let e = error as? MediaStoreError else { return false }
            return (e.code == .unsupportedFormat || e.code == .corrupt) && e.message.contains("notes.jpg")
        }
        #expect(try Self.count(library) == 0 && Self.stagingFiles(library).isEmpty)
        let objects = FileManager.default.enumerator(atPath: library.path + "/objects")?.allObjects.compactMap { $0 as? String } ?? []
        #expect(!objects.contains { $0.count > 60 }, "\(objects)")

        // The right checksum, as hex or as base64 (Immich sends either), is accepted.
        let base64 = Data(Insecure.SHA1.hash(data: png)).base64EncodedString()
        let made = try Self.upload(library, png, name: "ok.png", sha1: base64)
        #expect(try Self.upload(library, png, name: "ok.png", sha1: sha1.uppercased()) == .duplicate(made.asset))
        #expect(try library.assets(withSHA1: [sha1, base64, String(repeating: "a", count: 40), "junk"], owner: library.defaultOwner)
                == [sha1: made.asset, base64: made.asset])
        #expect(try library.assets(withSHA1: [sha1], owner: library.addUser(name: "bob").id).isEmpty)
    }

    /// Uploads of the same bytes at the same time make one asset; the others are its duplicates.
    @Test func racingUploadsOfTheSameBytesMakeOneAsset() async throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let png = PNGFixture.make(width: 400, height: 300, salt: 77)
        let outcomes = try await withThrowingTaskGroup(of: UploadOutcome.self) { group in
            for i in 0..<6 { group.addTask { try Self.upload(library, png, name: "same-\(i).png") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let assets = Set(outcomes.map(\.asset))
        #expect(assets.count == 1 && outcomes.filter { if case .created = $0 { true } else { false } }.count == 1, "\(outcomes)")
        #expect(try Self.count(library) == 1 && Self.stagingFiles(library).isEmpty)
    }
}
