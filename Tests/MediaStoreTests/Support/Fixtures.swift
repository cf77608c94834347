import Foundation
@_exported import TestSupport
import MediaStore

/// A temporary folder removed when the value is released.
final class TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "mediakit-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        // Objects are read-only; make them writable so the tree can be removed.
        if let walker = FileManager.default.enumerator(atPath: path) {
            for case let name as String in walker { chmod(path + "/" + name, 0o755) }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    func sub(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` at `name` (creating folders) and returns the path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let full = sub(name)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        return full
    }
}

/// Tiny JPEGs with a real EXIF block (little-endian TIFF: IFD0 Make/Model and an Exif IFD with
/// DateTimeOriginal and OffsetTimeOriginal), a frame header and an empty scan; `salt` makes the
/// bytes (and so the hash) unique.
enum JPEGFixture {
    static func make(date: String = "2021:04:11 15:47:53", offset: String? = "-05:00", width: Int = 64, height: Int = 48,
                     salt: String = UUID().uuidString) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        let make = Array("MediaKit\0".utf8), date = Array((date + "\0").utf8)
        let offsetText = offset.map { Array(($0 + "\0").utf8) }
        // Layout: header(8) | IFD0 at 8: 2 entries | Exif IFD | data.
        let ifd0Size = 2 + 2 * 12 + 4
        let exifEntries = offsetText == nil ? 1 : 2
        let exifOffset = 8 + ifd0Size
        let exifSize = 2 + exifEntries * 12 + 4
        var dataOffset = exifOffset + exifSize
        var tiff: [UInt8] = Array("II".utf8) + le16(42) + le32(8)
        var data: [UInt8] = []
        func entry(_ tag: Int, _ type: Int, _ count: Int, _ payload: [UInt8]) -> [UInt8] {
            if payload.count <= 4 { return le16(tag) + le16(type) + le32(count) + payload + [UInt8](repeating: 0, count: 4 - payload.count) }
            let at = dataOffset
            data += payload
            dataOffset += payload.count
            return le16(tag) + le16(type) + le32(count) + le32(at)
        }
        tiff += le16(2) + entry(0x010F, 2, make.count, make) + entry(0x8769, 4, 1, le32(exifOffset)) + le32(0)
        tiff += le16(exifEntries) + entry(0x9003, 2, date.count, date)
        if let offsetText { tiff += entry(0x9011, 2, offsetText.count, offsetText) }
        tiff += le32(0) + data
        let app1 = Array("Exif\0\0".utf8) + tiff
        var out: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1] + [UInt8((app1.count + 2) >> 8), UInt8((app1.count + 2) & 0xFF)] + app1
        var comment = Array(salt.utf8)[...]
        repeat {  // COM segments of at most 60,000 bytes
            let part = comment.prefix(60_000)
            comment = comment.dropFirst(part.count)
            out += [0xFF, 0xFE, UInt8((part.count + 2) >> 8), UInt8((part.count + 2) & 0xFF)] + part
        } while !comment.isEmpty
        out += [0xFF, 0xC0, 0, 11, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 1, 1, 0x11, 0]
        out += [0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x00, 0xFF, 0xD9]
        return out
    }
}

/// Real, decodable PNGs (8-bit RGB gradients, zlib stored blocks, real CRCs) for tests that
/// need pixels without the corpus; `salt` (the blue channel) makes the bytes unique.
enum PNGFixture {
    static func make(width: Int, height: Int, salt: UInt8) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity((width * 3 + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter: none
            for x in 0..<width { raw += [UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), salt] }
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var rest = raw[...]
        repeat {
            let block = rest.prefix(65_535)
            rest = rest.dropFirst(block.count)
            let n = block.count
            zlib += [rest.isEmpty ? 1 : 0, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8 & 0xFF)] + block
        } while !rest.isEmpty
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib += be32(b << 16 | a)
        let ihdr = be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    private static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in body { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return be32(UInt32(data.count)) + body + be32(~crc)
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
