import MediaCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the POSIX file calls the store needs, turning `errno` into
/// `MediaStoreError`s that name the file.
enum Posix {
    static func errnoText(_ err: Int32) -> String { String(cString: strerror(err)) }

    /// An error for a failed call: `ENOSPC`/`EDQUOT` become `.diskFull`, `ENOENT` `.notFound`.
    static func error(_ err: Int32, _ message: String, path: String, reading: Bool = false) -> MediaStoreError {
        let code: MediaStoreError.Code
        switch err {
        case ENOSPC, EDQUOT: code = .diskFull
        case ENOENT: code = .notFound
        default: code = reading ? .unreadable : .writeFailed
        }
        return MediaStoreError(code, message, path: path, underlying: errnoText(err))
    }

    /// A read buffer for a file: one chunk, or less for a small file (no 1 MiB per small file).
    static func buffer(for fd: Int32) -> [UInt8] {
        var st = stat()
        let size = fstat(fd, &st) == 0 ? Int(st.st_size) : FileSystemBlobStore.chunkSize
        return [UInt8](repeating: 0, count: min(FileSystemBlobStore.chunkSize, max(4096, size + 1)))
    }

    static func openForReading(_ path: String) throws(MediaStoreError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error(errno, "cannot open the file", path: path, reading: true) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let err = errno
            close(fd)
            throw error(err, "cannot stat the file", path: path, reading: true)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw MediaStoreError(.unreadable, "not a regular file", path: path)
        }
        return fd
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    static func read(_ fd: Int32, into buffer: inout [UInt8], path: String) throws(MediaStoreError) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return Glibc.read(fd, base, raw.count)
            }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw error(errno, "read failed", path: path, reading: true)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(MediaStoreError) {
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw error(errno, "write failed", path: path)
            }
            left -= n
            base += n
        }
    }

    /// SHA-256 and SHA-1 of a file in one streaming pass, and its size (MediaCore's
    /// `ContentHash.ofFile`); errors name `reportAs` when given (a staging file's source).
    static func hashFile(_ path: String, reportAs name: String? = nil) throws(MediaStoreError) -> (ContentHash, Int64) {
        do {
            return try ContentHash.ofFileWithSize(atPath: path)
        } catch {
            var e = MediaStoreError(error)
            e.path = name ?? path
            throw e
        }
    }

    static func makeDirectory(_ path: String) throws(MediaStoreError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw MediaStoreError(.writeFailed, "cannot create the folder", path: path, underlying: "\(error)")
        }
    }

    static func syncDirectory(_ path: String) throws(MediaStoreError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw error(errno, "cannot open the folder to sync it", path: path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw error(errno, "cannot sync the folder", path: path) }
    }

    /// The names in a folder (not `.` and `..`), or none when it cannot be read.
    static func names(in path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    /// Size and modification time (seconds since 1970) of a regular file.
    static func fileInfo(_ path: String) -> (size: Int64, mtime: Double)? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Glibc)
        let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        #else
        let mtime = Double(st.st_mtimespec.tv_sec) + Double(st.st_mtimespec.tv_nsec) / 1e9
        #endif
        return (Int64(st.st_size), mtime)
    }

    /// Whether two paths are the same file (one inode).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Copies a file by streaming it into `target` through `staging` (a new file on the same file
    /// system; by default beside the target), synced, then renamed into place, so the target is
    /// either absent or complete. With `hashing`, the bytes are hashed on the way (one read).
    /// With `renaming` false the synced copy stays at `staging` (the blob store renames it later).
    /// - Parameter chunk: Sees every chunk on its way (to hash it in the same pass).
    /// - Returns: The number of bytes copied.
    @discardableResult
    static func copyFile(_ source: String, to target: String, staging: String? = nil, renaming: Bool = true,
                         chunk: ((UnsafeRawBufferPointer) -> Void)? = nil) throws(MediaStoreError) -> Int64 {
        let input = try openForReading(source)
        defer { close(input) }
        var buffer = buffer(for: input)
        var size: Int64 = 0
        try writeAtomically(to: target, staging: staging, renaming: renaming) { (output) throws(MediaStoreError) in
            while true {
                let n = try read(input, into: &buffer, path: source)
                if n == 0 { break }
                let failure = buffer.withUnsafeBytes { raw -> MediaStoreError? in
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                    chunk?(bytes)
                    do throws(MediaStoreError) { try writeAll(output, bytes, path: source) } catch { return error }
                    return nil
                }
                if let failure { throw failure }
                size += Int64(n)
            }
        }
        return size
    }

    /// Writes bytes to `target` through a synced staging file renamed into place.
    static func writeFile(_ bytes: [UInt8], to target: String, staging: String) throws(MediaStoreError) {
        try writeAtomically(to: target, staging: staging, renaming: true) { (output) throws(MediaStoreError) in
            let failure = bytes.withUnsafeBytes { raw -> MediaStoreError? in
                do throws(MediaStoreError) { try writeAll(output, raw, path: target) } catch { return error }
                return nil
            }
            if let failure { throw failure }
        }
    }

    /// Creates `staging` (default: beside `target`), lets `body` write to it, syncs it and renames
    /// it to `target` (unless `renaming` is false); on any failure the staging file is removed.
    private static func writeAtomically(to target: String, staging: String?, renaming: Bool,
                                        _ body: (Int32) throws(MediaStoreError) -> Void) throws(MediaStoreError) {
        let temporary = staging ?? target + ".part-\(getpid())"
        // A staging name of our own is new (O_EXCL); one beside the target may be left by a crash.
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (staging == nil ? O_TRUNC : O_EXCL)
        let output = open(temporary, flags, renaming ? 0o644 : 0o600)
        guard output >= 0 else { throw error(errno, "cannot create the file", path: temporary) }
        do throws(MediaStoreError) {
            try body(output)
            guard fsync(output) == 0 else { throw error(errno, "cannot sync the file", path: target) }
            if renaming, rename(temporary, target) != 0 { throw error(errno, "cannot move the file into place", path: target) }
        } catch {
            close(output)
            unlink(temporary)
            throw error
        }
        close(output)
    }
}
