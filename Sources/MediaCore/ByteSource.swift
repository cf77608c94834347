#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random access to the bytes of a file or a buffer, for the container parsers.
///
/// Parsers ask for small ranges (headers, boxes, segments) and never for the whole file,
/// so memory stays bounded whatever the file size.
protocol ByteSource: AnyObject {
    /// The total number of bytes.
    var size: Int64 { get }
    /// Up to `count` bytes starting at `offset`; fewer at the end of the source, none past it.
    func read(at offset: Int64, count: Int) throws(MediaCoreError) -> [UInt8]
}

extension ByteSource {
    /// Exactly `count` bytes at `offset`, or a `.truncated` error naming `what`.
    func readExactly(at offset: Int64, count: Int, _ what: @autoclosure () -> String) throws(MediaCoreError) -> [UInt8] {
        guard offset >= 0, count >= 0 else {
            throw MediaCoreError(.corrupt, "\(what()) has a negative offset or length")
        }
        let bytes = try read(at: offset, count: count)
        guard bytes.count == count else {
            throw MediaCoreError(.truncated, "\(what()) at offset \(offset) runs past the end of the file")
        }
        return bytes
    }
}

/// A `ByteSource` over bytes already in memory (tests, fuzzing, embedded payloads).
final class MemoryByteSource: ByteSource {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var size: Int64 { Int64(bytes.count) }
    func read(at offset: Int64, count: Int) throws(MediaCoreError) -> [UInt8] {
        guard offset >= 0, count > 0, offset < Int64(bytes.count) else { return [] }
        let start = Int(offset)
        let end = start + min(count, bytes.count - start)
        return Array(bytes[start..<end])
    }
}

/// A `ByteSource` over an open file, read with `pread`; owns the descriptor.
///
/// The first 64 KiB are read once at open: most metadata lives there, so a typical
/// JPEG costs one system call.
final class FileByteSource: ByteSource {
    private let fd: Int32
    let size: Int64
    /// Last modification time, seconds since 1970.
    let modificationTime: Double?
    private let head: [UInt8]
    static let headSize = 64 * 1024

    /// Opens `path` read-only.
    /// - Throws: `MediaCoreError` `.notFound`, `.notAFile` or `.unreadable`.
    init(path: String) throws(MediaCoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let err = errno
            throw MediaCoreError(err == ENOENT ? .notFound : .unreadable,
                                 err == ENOENT ? "no such file" : "cannot open the file",
                                 path: path, underlying: String(cString: strerror(err)))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let err = errno
            close(fd)
            throw MediaCoreError(.unreadable, "cannot stat the file", path: path, underlying: String(cString: strerror(err)))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw MediaCoreError(.notAFile, "not a regular file", path: path)
        }
        self.fd = fd
        self.size = Int64(st.st_size)
        #if canImport(Glibc)
        self.modificationTime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        #else
        self.modificationTime = Double(st.st_mtimespec.tv_sec) + Double(st.st_mtimespec.tv_nsec) / 1e9
        #endif
        var head = [UInt8](repeating: 0, count: Int(min(Int64(FileByteSource.headSize), size)))
        let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else {
            let err = errno
            close(fd)
            throw MediaCoreError(.unreadable, "cannot read the file", path: path, underlying: String(cString: strerror(err)))
        }
        head.removeLast(head.count - n)
        self.head = head
    }

    deinit { close(fd) }

    /// Reads up to `buffer.count` bytes at `offset` into `buffer` (reused across calls); 0 at the end.
    func read(at offset: Int64, into buffer: inout [UInt8]) throws(MediaCoreError) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return pread(fd, base, raw.count, off_t(offset))
            }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw MediaCoreError(.unreadable, "read failed at offset \(offset)", underlying: String(cString: strerror(errno)))
        }
    }

    func read(at offset: Int64, count: Int) throws(MediaCoreError) -> [UInt8] {
        guard offset >= 0, count > 0, offset < size else { return [] }
        let want = Int(min(Int64(count), size - offset))
        if offset + Int64(want) <= Int64(head.count) {
            let start = Int(offset)
            return Array(head[start..<start + want])
        }
        var out = [UInt8](repeating: 0, count: want)
        var done = 0
        while done < want {
            let n = out.withUnsafeMutableBytes { buf -> Int in
                guard let base = buf.baseAddress else { return 0 }
                return pread(fd, base + done, want - done, off_t(offset) + off_t(done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw MediaCoreError(.unreadable, "read failed at offset \(offset + Int64(done))",
                                     underlying: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            done += n
        }
        if done < want { out.removeLast(want - done) }
        return out
    }

}

/// Bounds-checked big- and little-endian integer reads over a byte array.
struct BinaryReader {
    let bytes: [UInt8]
    var bigEndian: Bool

    init(_ bytes: [UInt8], bigEndian: Bool) {
        self.bytes = bytes
        self.bigEndian = bigEndian
    }

    var count: Int { bytes.count }

    func u8(_ at: Int) -> UInt8? {
        at >= 0 && at < bytes.count ? bytes[at] : nil
    }

    func u16(_ at: Int) -> UInt16? {
        guard at >= 0, at + 2 <= bytes.count else { return nil }
        let a = UInt16(bytes[at]), b = UInt16(bytes[at + 1])
        return bigEndian ? (a << 8 | b) : (b << 8 | a)
    }

    func u32(_ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for i in 0..<4 {
            let byte = UInt32(bytes[at + (bigEndian ? i : 3 - i)])
            v = v << 8 | byte
        }
        return v
    }

    func u64(_ at: Int) -> UInt64? {
        guard at >= 0, at + 8 <= bytes.count else { return nil }
        var v: UInt64 = 0
        for i in 0..<8 {
            let byte = UInt64(bytes[at + (bigEndian ? i : 7 - i)])
            v = v << 8 | byte
        }
        return v
    }

    func slice(_ at: Int, _ length: Int) -> [UInt8]? {
        guard at >= 0, length >= 0, at <= bytes.count, length <= bytes.count - at else { return nil }
        return Array(bytes[at..<at + length])
    }

    /// Four bytes as an ASCII code (box types, chunk ids), `nil` when out of range.
    func fourCC(_ at: Int) -> String? {
        guard let s = slice(at, 4) else { return nil }
        return String(decoding: s, as: UTF8.self)
    }
}
