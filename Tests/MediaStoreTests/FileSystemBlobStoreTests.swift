import Foundation
import Testing
@testable import MediaStore

@Suite struct FileSystemBlobStoreTests {
    @Test func storesOnceUnderTheHashReadOnly() throws {
        let dir = try TemporaryFolder()
        let store = try FileSystemBlobStore(objectsPath: dir.sub("objects"), stagingPath: dir.sub("tmp"))
        let bytes = JPEGFixture.make(salt: "one")
        let source = try dir.write("in/a.jpg", bytes)
        let staged = try store.stage(from: source, mode: .copy)
        #expect(staged.hash == ContentHash.of(bytes))
        #expect(staged.size == Int64(bytes.count))
        #expect(try store.store(staged))
        try store.flush()
        let path = try #require(store.localPath(of: staged.hash.sha256))
        #expect(path.hasSuffix("/objects/\(staged.hash.sha256.prefix(2))/\(staged.hash.sha256.dropFirst(2).prefix(2))/\(staged.hash.sha256)"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o222 == 0, "objects are read-only")
        #expect(FileManager.default.fileExists(atPath: source), "copying leaves the source alone")

        // The same bytes again: the object is kept, the staged copy dropped.
        let again = try store.stage(from: try dir.write("in/b.jpg", bytes), mode: .copy)
        #expect(try store.store(again) == false)
        #expect(Array(store.allObjects()) == [staged.hash.sha256])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("tmp")).isEmpty)
    }

    @Test func linkOrCopyTakesTheSourceWithoutCopying() throws {
        let dir = try TemporaryFolder()
        let store = try FileSystemBlobStore(objectsPath: dir.sub("objects"), stagingPath: dir.sub("tmp"))
        let source = try dir.write("in/a.jpg", JPEGFixture.make())
        let staged = try store.stage(from: source, mode: .linkOrCopy)
        #expect(try store.store(staged))
        let object = try #require(store.localPath(of: staged.hash.sha256))
        var a = stat(), b = stat()
        #expect(stat(source, &a) == 0 && stat(object, &b) == 0)
        #expect(a.st_ino == b.st_ino, "same file system: a hard link, no copy")
    }

    @Test func missingSourceIsAClearError() throws {
        let dir = try TemporaryFolder()
        let store = try FileSystemBlobStore(objectsPath: dir.sub("objects"), stagingPath: dir.sub("tmp"))
        #expect {
            _ = try store.stage(from: dir.sub("nope.jpg"), mode: .copy)
        } throws: { error in
            let e = error as? MediaStoreError
            return e?.code == .notFound && e?.path == dir.sub("nope.jpg")
        }
    }

    @Test func removesOnlyStagingFilesOfDeadProcesses() throws {
        let dir = try TemporaryFolder()
        let store = try FileSystemBlobStore(objectsPath: dir.sub("objects"), stagingPath: dir.sub("tmp"))
        var dead: pid_t = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead += 1 }
        try dir.write("tmp/\(dead)-1.part", [1, 2, 3])
        try dir.write("tmp/\(getpid())-2.part", [1, 2, 3])
        #expect(store.removeAbandonedStagingFiles() == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.sub("tmp")) == ["\(getpid())-2.part"])
    }
}
