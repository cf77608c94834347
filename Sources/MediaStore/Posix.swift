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

    /// SHA-256 and SHA-1 of a file in one streaming pass, and its size.
    static func hashFile(_ path: String, reportAs name: String? = nil) throws(MediaStoreError) -> (ContentHash, Int64) {
        let fd = try openForReading(path)
        defer { close(fd) }
        var hasher = ContentHasher()
        var size: Int64 = 0
        var buffer = buffer(for: fd)
        while true {
            let n = try read(fd, into: &buffer, path: name ?? path)
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            size += Int64(n)
        }
        return (hasher.finalize(), size)
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
    static func fileInfo(_ path: String) -> (size: Int64, mtime: Double, birth: Double?)? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Glibc)
        let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        #else
        let mtime = Double(st.st_mtimespec.tv_sec) + Double(st.st_mtimespec.tv_nsec) / 1e9
        #endif
        return (Int64(st.st_size), mtime, nil)
    }

    /// Whether two paths are the same file (one inode).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// Copies a file by streaming it through a temporary file beside the target, synced and
    /// renamed into place, so the target is either absent or complete.
    static func copyFile(_ source: String, to target: String) throws(MediaStoreError) {
        let input = try openForReading(source)
        defer { close(input) }
        let temporary = target + ".part-\(getpid())"
        let output = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw error(errno, "cannot create the file", path: target) }
        var buffer = buffer(for: input)
        do throws(MediaStoreError) {
            while true {
                let n = try read(input, into: &buffer, path: source)
                if n == 0 { break }
                let failure = buffer.withUnsafeBytes { raw -> MediaStoreError? in
                    do throws(MediaStoreError) { try writeAll(output, UnsafeRawBufferPointer(rebasing: raw[0..<n]), path: target) } catch { return error }
                    return nil
                }
                if let failure { throw failure }
            }
            guard fsync(output) == 0 else { throw error(errno, "cannot sync the file", path: target) }
            guard rename(temporary, target) == 0 else { throw error(errno, "cannot move the file into place", path: target) }
        } catch {
            close(output)
            unlink(temporary)
            throw error
        }
        close(output)
    }
}
