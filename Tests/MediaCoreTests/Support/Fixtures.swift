import Foundation
@_exported import TestSupport
@testable import MediaCore

/// Builds small TIFF/EXIF structures for tests (little-endian).
struct TIFFBuilder {
    enum Value {
        case ascii(String)
        case short(UInt16)
        case long(UInt32)
        case rationals([(UInt32, UInt32)])
        case bytes([UInt8])
    }

    var ifd0: [(UInt16, Value)] = []
    var exif: [(UInt16, Value)] = []
    var gps: [(UInt16, Value)] = []

    /// The TIFF structure (starting with `II*\0`); `padding` zero bytes after the header push
    /// every IFD and value beyond libexif's 64 KiB window.
    func build(padding: Int = 0) -> [UInt8] {
        let start = 8 + padding
        var out: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le32(UInt32(start)) + [UInt8](repeating: 0, count: padding)
        var ifds: [[(UInt16, Value)]] = [ifd0]
        if !exif.isEmpty { ifds[0].append((0x8769, .long(0))) }
        if !gps.isEmpty { ifds[0].append((0x8825, .long(0))) }
        ifds[0].sort { $0.0 < $1.0 }
        ifds.append(exif)
        ifds.append(gps)
        func size(_ ifd: [(UInt16, Value)]) -> Int { ifd.isEmpty ? 0 : 2 + ifd.count * 12 + 4 }
        let offsets = [start, start + size(ifds[0]), start + size(ifds[0]) + size(ifds[1])]
        var data: [UInt8] = []
        let dataStart = start + ifds.map(size).reduce(0, +)
        for (index, ifd) in ifds.enumerated() where !ifd.isEmpty {
            out += le16(UInt16(ifd.count))
            for (tag, value) in ifd {
                var type: UInt16, count: UInt32, bytes: [UInt8]
                switch value {
                case .ascii(let s): type = 2; bytes = Array(s.utf8) + [0]; count = UInt32(bytes.count)
                case .short(let v): type = 3; bytes = le16(v); count = 1
                case .long(let v):
                    type = 4; count = 1
                    bytes = le32(tag == 0x8769 && index == 0 ? UInt32(offsets[1]) : tag == 0x8825 && index == 0 ? UInt32(offsets[2]) : v)
                case .rationals(let r): type = 5; bytes = r.flatMap { le32($0.0) + le32($0.1) }; count = UInt32(r.count)
                case .bytes(let b): type = 7; bytes = b; count = UInt32(b.count)
                }
                out += le16(tag) + le16(type) + le32(count)
                if bytes.count <= 4 {
                    out += bytes + [UInt8](repeating: 0, count: 4 - bytes.count)
                } else {
                    out += le32(UInt32(dataStart + data.count))
                    data += bytes
                    if data.count % 2 == 1 { data.append(0) }
                }
            }
            out += le32(0)
        }
        return out + data
    }

    private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }

    /// A PNG with an IHDR of the given size, the EXIF in an `eXIf` chunk, and an IEND (CRCs are not checked).
    func png(width: Int = 64, height: Int = 48) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let n = UInt32(data.count)
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + Array(type.utf8) + data + [0, 0, 0, 0]
        }
        let ihdr: [UInt8] = [0, 0, UInt8(width >> 8), UInt8(width & 0xFF), 0, 0, UInt8(height >> 8), UInt8(height & 0xFF), 8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("eXIf", build())
            + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00]) + chunk("IEND", [])
    }

    /// A minimal JPEG (SOI, APP1 Exif, SOF0 with the given size, SOS, EOI).
    func jpeg(width: Int = 64, height: Int = 48) -> [UInt8] {
        let tiff = build()
        let app1 = Array("Exif\0\0".utf8) + tiff
        var out: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, UInt8((app1.count + 2) >> 8), UInt8((app1.count + 2) & 0xFF)] + app1
        out += [0xFF, 0xC0, 0, 11, 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), 1, 1, 0x11, 0]
        out += [0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x00, 0xFF, 0xD9]
        return out
    }
}
