import MediaCore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The default ``BlobStore``: objects as read-only files `objects/ab/cd/<sha256>` under a
/// folder, staged in `tmp/` and renamed into place, so a reader never sees half an object.
///
/// Writing an object: stream into `tmp/<pid>-<random>.part` while hashing, `fsync`, make it
/// read-only, `rename` into place (or drop it when the object exists), and `fsync` the
/// directories in ``flush()``. A process killed at any moment leaves either nothing, a staging
/// file (removed by ``removeAbandonedStagingFiles()`` once its process is gone), or a complete
/// object.
public final class FileSystemBlobStore: BlobStore {
    /// The folder holding the objects (`<library>/objects`).
    public let objectsPath: String
    /// The staging folder (`<library>/tmp`); must be on the same file system as `objectsPath`.
    public let stagingPath: String
    /// Directories whose entries changed since the last ``flush()``.
    private let dirtyDirectories = Mutex<Set<String>>([])

    /// The chunk size of streaming copies.
    static let chunkSize = 1 << 20

    /// Opens (creating when missing) a store.
    /// - Parameters:
    ///   - objectsPath: The object folder.
    ///   - stagingPath: The staging folder, on the same file system.
    /// - Throws: `MediaStoreError.writeFailed` when the folders cannot be created.
    public init(objectsPath: String, stagingPath: String) throws(MediaStoreError) {
        self.objectsPath = objectsPath
        self.stagingPath = stagingPath
        for dir in [objectsPath, stagingPath] { try Posix.makeDirectory(dir) }
    }

    /// `objects/ab/cd/<sha256>`.
    public func objectPath(_ sha256: String) -> String {
        objectsPath + "/" + Self.shard(sha256) + "/" + sha256
    }

    /// `ab/cd`: the two folder levels under which a file named by this SHA-256 lives (objects,
    /// and derived files under `thumbs/`), so no folder holds more than a few hundred entries.
    static func shard(_ sha256: String) -> String {
        let u = Array(sha256.utf8)
        guard u.count >= 4 else { return "invalid" }
        return String(decoding: u[0..<2], as: UTF8.self) + "/" + String(decoding: u[2..<4], as: UTF8.self)
    }

    public func stage(from path: String, mode: StageMode) throws(MediaStoreError) -> StagedObject {
        let staging = stagingPath + "/\(getpid())-\(UInt64.random(in: 0...UInt64.max)).part"
        if mode == .linkOrCopy, linkat(AT_FDCWD, path, AT_FDCWD, staging, AT_SYMLINK_FOLLOW) == 0 {
            do throws(MediaStoreError) {
                let (hash, size) = try Posix.hashFile(staging, reportAs: path)
                return StagedObject(hash: hash, size: size, stagingPath: staging)
            } catch {
                unlink(staging)
                throw error
            }
        }
        return try copyWhileHashing(from: path, to: staging)
    }

    /// Free space a copy leaves on the library's disk for the catalog: 4 MiB. Objects are
    /// written before the rows that point at them; without a reserve, a disk filled by objects
    /// leaves SQLite no room to commit those rows (the import then records nothing of its batch).
    static let catalogReserve: Int64 = 4 << 20

    private func copyWhileHashing(from path: String, to staging: String) throws(MediaStoreError) -> StagedObject {
        var fs = statvfs()
        var st = stat()
        if statvfs(stagingPath, &fs) == 0, stat(path, &st) == 0 {
            let free = Int64(fs.f_bavail) * Int64(fs.f_frsize)
            if free < Int64(st.st_size) + Self.catalogReserve {
                throw MediaStoreError(.diskFull, "not enough free space: \(free) bytes left, \(st.st_size) needed plus "
                                      + "\(Self.catalogReserve) kept for the catalog", path: path)
            }
        }
        var hasher = ContentHasher()
        let size = try Posix.copyFile(path, to: staging, staging: staging, renaming: false) { hasher.update(bufferPointer: $0) }
        return StagedObject(hash: hasher.finalize(), size: size, stagingPath: staging)
    }

    public func store(_ staged: StagedObject) throws(MediaStoreError) -> Bool {
        let target = objectPath(staged.hash.sha256)
        if access(target, F_OK) == 0 {
            discard(staged)
            return false
        }
        let leaf = (target as NSString).deletingLastPathComponent
        let middle = (leaf as NSString).deletingLastPathComponent
        var created: [String] = []
        for dir in [middle, leaf] where access(dir, F_OK) != 0 {
            if mkdir(dir, 0o755) != 0, errno != EEXIST { throw Posix.error(errno, "cannot create the object folder", path: dir) }
            created.append(dir)
        }
        // The staged file is synced; make it read-only before it becomes visible.
        chmod(staged.stagingPath, 0o444)
        guard rename(staged.stagingPath, target) == 0 else {
            let err = errno
            discard(staged)
            throw Posix.error(err, "cannot move the object into place", path: target)
        }
        dirtyDirectories.withLock { dirty in
            dirty.insert(leaf)
            for dir in created { dirty.insert((dir as NSString).deletingLastPathComponent) }
        }
        return true
    }

    public func discard(_ staged: StagedObject) {
        unlink(staged.stagingPath)
    }

    public func flush() throws(MediaStoreError) {
        let dirs = dirtyDirectories.withLock { dirty in
            defer { dirty.removeAll() }
            return dirty
        }
        // Deepest first, so a new leaf's entry is durable before its parent's.
        for dir in dirs.sorted(by: { $0.count > $1.count }) {
            try Posix.syncDirectory(dir)
        }
    }

    public func size(of sha256: String) -> Int64? {
        var st = stat()
        guard stat(objectPath(sha256), &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(st.st_size)
    }

    /// Deletes the object (a missing one is not an error), then syncs its folder.
    /// - Throws: `MediaStoreError.writeFailed` naming the object when it cannot be deleted.
    public func remove(_ sha256: String) throws(MediaStoreError) {
        let path = objectPath(sha256)
        guard unlink(path) == 0 else {
            if errno == ENOENT { return }   // already gone (and maybe its folder too)
            throw Posix.error(errno, "cannot delete the object", path: path)
        }
        try Posix.syncDirectory((path as NSString).deletingLastPathComponent)
    }

    public func localPath(of sha256: String) -> String? {
        let path = objectPath(sha256)
        return access(path, F_OK) == 0 ? path : nil
    }

    public func allObjects() -> AnySequence<String> {
        let root = objectsPath
        return AnySequence(
            Posix.names(in: root).lazy.filter { $0.utf8.count == 2 }.flatMap { a in
                Posix.names(in: root + "/" + a).lazy.filter { $0.utf8.count == 2 }.flatMap { b in
                    Posix.names(in: root + "/" + a + "/" + b).lazy.filter { ContentHash.isSHA256($0) }
                }
            })
    }

    @discardableResult
    public func removeAbandonedStagingFiles() -> Int {
        var removed = 0
        for name in Posix.names(in: stagingPath) where name.hasSuffix(".part") {
            guard let dash = name.firstIndex(of: "-"), let pid = pid_t(name[..<dash]) else { continue }
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                if unlink(stagingPath + "/" + name) == 0 { removed += 1 }
            }
        }
        return removed
    }
}
