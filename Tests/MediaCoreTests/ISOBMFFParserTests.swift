import Foundation
import Testing
@testable import MediaCore

// MARK: - Box builders

/// Builds ISO base media boxes in memory.
private enum B {
    static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
    static func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) } }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func fourCC(_ s: String) -> [UInt8] { s.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }

    static func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        u32(UInt32(8 + payload.count)) + fourCC(type) + payload
    }

    static func box(_ type: String, _ children: [[UInt8]]) -> [UInt8] {
        box(type, children.flatMap { $0 })
    }

    static func full(_ type: String, version: UInt8, flags: UInt32 = 0, _ payload: [UInt8]) -> [UInt8] {
        box(type, [version, UInt8((flags >> 16) & 0xFF), UInt8((flags >> 8) & 0xFF), UInt8(flags & 0xFF)] + payload)
    }

    static func ftyp(_ major: String, _ compatible: [String] = []) -> [UInt8] {
        box("ftyp", fourCC(major) + u32(0) + compatible.flatMap(fourCC))
    }

    static func hdlr(_ handler: String) -> [UInt8] {
        full("hdlr", version: 0, u32(0) + fourCC(handler) + [UInt8](repeating: 0, count: 12) + [0])
    }

    /// A tkhd (version 0) with a rotation matrix for `degrees` clockwise and a 16.16 size.
    static func tkhd(width: UInt32, height: UInt32, degrees: Int) -> [UInt8] {
        let one: Int32 = 0x10000
        let (a, b, c, d): (Int32, Int32, Int32, Int32)
        switch degrees {
        case 90: (a, b, c, d) = (0, one, -one, 0)
        case 180: (a, b, c, d) = (-one, 0, 0, -one)
        case 270: (a, b, c, d) = (0, -one, one, 0)
        default: (a, b, c, d) = (one, 0, 0, one)
        }
        var p = u32(0) + u32(0) + u32(1) + u32(0) + u32(600)  // times, track ID, reserved, duration
        p += [UInt8](repeating: 0, count: 8) + u16(0) + u16(0) + u16(0) + u16(0)
        for v in [a, b, 0, c, d, 0, 0, 0, 0x4000_0000] { p += u32(UInt32(bitPattern: v)) }
        p += u32(width << 16) + u32(height << 16)
        return full("tkhd", version: 0, p)
    }

    /// A minimal big-endian TIFF with IFD0 holding Make = "Test".
    static let tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A] + u32(8) + u16(1)
        + u16(0x010F) + u16(2) + u32(4) + fourCC("Tes") + [0] + u32(0)
}

private let quickTimeEpoch: UInt64 = 2_082_844_800

private func scanBytes(_ bytes: [UInt8], _ format: MediaFormat) throws -> ContainerScan {
    var scan = ContainerScan(format: format)
    try ISOBMFFParser.scan(MemoryByteSource(bytes), into: &scan)
    return scan
}

/// A deterministic pseudo-random generator for the mutation tests.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("ISOBMFFParser")
struct ISOBMFFParserTests {
    // MARK: QuickTime

    static func movie(mvhdVersion: UInt8 = 0, rotation: Int = 90) -> [UInt8] {
        let created = quickTimeEpoch + 1_600_000_000
        let mvhd: [UInt8]
        if mvhdVersion == 1 {
            mvhd = B.full("mvhd", version: 1, B.u64(created) + B.u64(created) + B.u32(600) + B.u64(3000)
                          + [UInt8](repeating: 0, count: 80))
        } else {
            mvhd = B.full("mvhd", version: 0, B.u32(UInt32(created)) + B.u32(UInt32(created)) + B.u32(600) + B.u32(3000)
                          + [UInt8](repeating: 0, count: 80))
        }
        let soundTrack = B.box("trak", [B.tkhd(width: 0, height: 0, degrees: 0),
                                        B.box("mdia", [B.hdlr("soun")])])
        let videoTrack = B.box("trak", [B.tkhd(width: 1920, height: 1080, degrees: rotation),
                                        B.box("mdia", [B.hdlr("vide")])])
        let xyz = Array("+48.8584+002.2945+035.000/".utf8)
        let udta = B.box("udta", [
            B.box("\u{A9}xyz", B.u16(UInt16(xyz.count)) + B.u16(0x15C7) + xyz),
            B.box("\u{A9}mak", B.u16(5) + B.u16(0x15C7) + Array("Maker".utf8)),
        ])
        func key(_ k: String) -> [UInt8] { B.u32(UInt32(8 + k.utf8.count)) + B.fourCC("mdta") + Array(k.utf8) }
        let keys = B.full("keys", version: 0, B.u32(2) + key("com.apple.quicktime.creationdate")
                          + key("com.apple.quicktime.model"))
        func item(_ index: UInt32, _ text: String) -> [UInt8] {
            let data = B.box("data", B.u32(1) + B.u32(0) + Array(text.utf8))
            return B.u32(UInt32(8 + data.count)) + B.u32(index) + data
        }
        let meta = B.box("meta", [B.hdlr("mdta"), keys, B.box("ilst", [item(1, "2019-07-24T10:25:57+0200"), item(2, "Phone 6")])])
        let moov = B.box("moov", [mvhd, soundTrack, videoTrack, udta, meta])
        return B.ftyp("qt  ") + B.box("mdat", [UInt8](repeating: 0xAB, count: 64)) + moov
    }

    @Test("mvhd, tkhd, udta and mdta keys of a movie", arguments: [UInt8(0), 1])
    func movieHeader(version: UInt8) throws {
        let scan = try scanBytes(Self.movie(mvhdVersion: version), .mov)
        #expect(scan.duration == 5.0)
        #expect(scan.durationSource == "QuickTime:Duration")
        #expect(scan.quickTime.createDate == 1_600_000_000)
        #expect(scan.pixelWidth == 1920)
        #expect(scan.pixelHeight == 1080)
        #expect(scan.rotation == 90)
        let location = try #require(scan.quickTime.location)
        #expect(abs(location.latitude - 48.8584) < 1e-9)
        #expect(abs(location.longitude - 2.2945) < 1e-9)
        #expect(location.altitude == 35)
        #expect(scan.quickTime.make == "Maker")
        #expect(scan.quickTime.model == "Phone 6")
        let date = try #require(scan.quickTime.creationDate)
        #expect(date.local == LocalDateTime(year: 2019, month: 7, day: 24, hour: 10, minute: 25, second: 57))
        #expect(date.offsetSeconds == 7200)
        #expect(scan.quickTime.rawTags.contains { $0.group == "QuickTime" && $0.name == "CreateDate" && $0.value == "2020:09:13 12:26:40" })
        #expect(scan.quickTime.rawTags.contains { $0.name == "GPSCoordinates" })
        #expect(scan.warnings.isEmpty)
    }

    @Test("track matrix rotations", arguments: [0, 90, 180, 270])
    func trackRotation(degrees: Int) throws {
        let scan = try scanBytes(Self.movie(rotation: degrees), .mov)
        #expect(scan.rotation == degrees)
    }

    @Test("a zero creation time is left unset")
    func zeroCreationTime() throws {
        let mvhd = B.full("mvhd", version: 0, B.u32(0) + B.u32(0) + B.u32(1000) + B.u32(1500) + [UInt8](repeating: 0, count: 80))
        let scan = try scanBytes(B.ftyp("isom") + B.box("moov", mvhd), .mp4)
        #expect(scan.quickTime.createDate == nil)
        #expect(scan.duration == 1.5)
    }

    @Test("XMP in udta and in the top-level XMP uuid box")
    func movieXMP() throws {
        let packet = Array("<x:xmpmeta xmlns:x='adobe:ns:meta/'></x:xmpmeta>".utf8)
        let bytes = B.ftyp("mp42") + B.box("moov", B.box("udta", B.box("XMP_", packet)))
            + B.box("uuid", ISOBMFFParser.xmpUUID + packet)
        let scan = try scanBytes(bytes, .mp4)
        #expect(scan.xmp == [packet, packet])
    }

    // MARK: HEIF

    /// A HEIF file: primary item 1 (hvc1) with ispe and irot; item 2 = Exif in two extents
    /// in `mdat`; item 3 = XMP in `idat` (construction method 1).
    static func heif(irot: UInt8 = 3, exifOffsetField: UInt32 = 6) -> (bytes: [UInt8], exif: [UInt8], xmp: [UInt8]) {
        let exifItem = B.u32(exifOffsetField) + Array("Exif\0\0".utf8) + B.tiff
        let xmp = Array("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".utf8)
        let ftyp = B.ftyp("heic", ["mif1", "heic"])
        func infe(_ id: UInt16, _ type: String, _ contentType: String? = nil) -> [UInt8] {
            var p = B.u16(id) + B.u16(0) + B.fourCC(type) + [0]
            if let contentType { p += Array(contentType.utf8) + [0] }
            return B.full("infe", version: 2, p)
        }
        let iinf = B.full("iinf", version: 0, B.u16(3) + infe(1, "hvc1") + infe(2, "Exif") + infe(3, "mime", "application/rdf+xml"))
        let ipco = B.box("ipco", [B.full("ispe", version: 0, B.u32(4032) + B.u32(3024)),
                                  B.box("irot", [irot]),
                                  B.full("ispe", version: 0, B.u32(320) + B.u32(240))])
        let ipma = B.full("ipma", version: 0, B.u32(1) + B.u16(1) + [2, 0x81, 0x02])
        let idat = B.box("idat", xmp)

        // iloc v1: offset 4, length 4, base 4, index 0; the mdat offset is patched below.
        func iloc(mdatPayload: UInt32) -> [UInt8] {
            let half = UInt32(exifItem.count / 2)
            var p: [UInt8] = [0x44, 0x40] + B.u16(2)
            p += B.u16(2) + B.u16(0) + B.u16(0) + B.u32(mdatPayload) + B.u16(2)
            p += B.u32(0) + B.u32(half) + B.u32(half) + B.u32(UInt32(exifItem.count) - half)
            p += B.u16(3) + B.u16(1) + B.u16(0) + B.u32(0) + B.u16(1) + B.u32(0) + B.u32(UInt32(xmp.count))
            return B.full("iloc", version: 1, p)
        }
        func assemble(_ mdatPayload: UInt32) -> [UInt8] {
            let meta = B.full("meta", version: 0, B.hdlr("pict") + B.full("pitm", version: 0, B.u16(1))
                              + iloc(mdatPayload: mdatPayload) + iinf + B.box("iprp", [ipco, ipma]) + idat)
            return ftyp + meta + B.box("mdat", exifItem)
        }
        let first = assemble(0)
        let bytes = assemble(UInt32(first.count - exifItem.count))
        return (bytes, B.tiff, xmp)
    }

    @Test("HEIF: ispe, irot, Exif item in two extents, XMP in idat")
    func heifMeta() throws {
        let (bytes, tiff, xmp) = Self.heif()
        let scan = try scanBytes(bytes, .heic)
        #expect(scan.pixelWidth == 4032)
        #expect(scan.pixelHeight == 3024)
        #expect(scan.rotation == 90)  // irot 3 × 90° anti-clockwise = 90° clockwise
        #expect(scan.exif == [tiff])
        #expect(scan.xmp == [xmp])
        #expect(scan.warnings.isEmpty)
    }

    @Test("HEIF: Exif item whose offset field is wrong still yields the TIFF")
    func heifExifOffsetTolerance() throws {
        let (bytes, tiff, _) = Self.heif(irot: 0, exifOffsetField: 0)
        let scan = try scanBytes(bytes, .heic)
        #expect(scan.exif == [tiff])
        #expect(scan.rotation == 0)
    }

    // MARK: Hostile input

    @Test("too-short and invalid files throw")
    func unreadable() {
        #expect(throws: MediaCoreError.self) { try scanBytes([0, 0, 0], .mp4) }
        #expect(throws: MediaCoreError.self) { try scanBytes(B.u32(3) + B.fourCC("ftyp") + [0, 0, 0, 0], .mp4) }
    }

    @Test("a box claiming 0xFFFFFFFF bytes is clamped with a warning")
    func hugeSize() throws {
        let bytes = B.ftyp("isom") + B.u32(0xFFFF_FFFF) + B.fourCC("moov") + B.box("mvhd", [0, 0])
        let scan = try scanBytes(bytes, .mp4)
        #expect(!scan.warnings.isEmpty)
        #expect(scan.duration == nil)
    }

    @Test("a 64-bit size larger than the file is clamped; size 0 runs to the end")
    func largeSize() throws {
        let mvhd = B.full("mvhd", version: 0, B.u32(0) + B.u32(0) + B.u32(10) + B.u32(20) + [UInt8](repeating: 0, count: 80))
        let huge = B.ftyp("isom") + B.u32(1) + B.fourCC("free") + B.u64(UInt64.max) + [1, 2, 3]
        let hugeScan = try scanBytes(huge, .mp4)
        #expect(hugeScan.warnings.contains { $0.contains("claims") })
        let zero = B.ftyp("isom") + B.u32(0) + B.fourCC("moov") + mvhd
        #expect(try scanBytes(zero, .mp4).duration == 2)
        let tiny = B.ftyp("isom") + B.u32(1) + B.fourCC("moov") + B.u64(3) + mvhd
        #expect(try scanBytes(tiny, .mp4).warnings.contains { $0.contains("invalid size") })
    }

    @Test("deep nesting and many boxes end quickly")
    func bombs() throws {
        var nested = B.box("mvhd", [0])
        for i in 0..<2000 { nested = B.box(i % 2 == 0 ? "moov" : "trak", nested) }
        _ = try scanBytes(B.ftyp("isom") + nested, .mp4)

        var meta = B.box("ispe", [0])
        for _ in 0..<2000 { meta = B.box("meta", [0, 0, 0, 0] + meta) }
        _ = try scanBytes(B.ftyp("heic") + meta, .heic)

        let many = [UInt8]((0..<20_000).flatMap { _ in B.box("free", [UInt8]()) })
        let scan = try scanBytes(B.ftyp("isom") + B.box("moov", many), .mp4)
        #expect(scan.warnings.contains { $0.contains("more than") })
    }

    @Test("hostile iloc, ipma and keys do not crash")
    func hostileTables() throws {
        let iloc = B.full("iloc", version: 2, [0x88, 0x80] + B.u32(0xFFFF_FFFF)
                          + B.u32(2) + B.u16(0) + B.u16(0) + B.u64(UInt64.max) + B.u16(0xFFFF) + B.u64(UInt64.max))
        let iinf = B.full("iinf", version: 1, B.u32(0xFFFF_FFFF) + B.full("infe", version: 3, B.u32(2) + B.u16(0) + B.fourCC("Exif")))
        let ipma = B.full("ipma", version: 1, flags: 1, B.u32(0xFFFF_FFFF) + B.u32(1) + [0xFF, 0xFF])
        let meta = B.full("meta", version: 0, B.hdlr("pict") + B.full("pitm", version: 1, B.u32(1)) + iloc + iinf
                          + B.box("iprp", [B.box("ipco", [UInt8]()), ipma]))
        let scan = try scanBytes(B.ftyp("heic") + meta, .heic)
        #expect(scan.exif.isEmpty)
        #expect(!scan.warnings.isEmpty)

        // Zero-byte offsets and lengths: extents that take no room must not pile up.
        let emptyExtents = [UInt8]((0..<3000).flatMap { i in B.u16(UInt16(i)) + B.u16(0) + B.u16(0xFFFF) })
        let iloc0 = B.full("iloc", version: 0, [0x00, 0x00] + B.u16(3000) + emptyExtents)
        let zeroScan = try scanBytes(B.ftyp("heic") + B.full("meta", version: 0, B.hdlr("pict") + iloc0), .heic)
        #expect(zeroScan.warnings.contains { $0.contains("too many extents") })

        let keys = B.full("keys", version: 0, B.u32(0xFFFF_FFFF) + B.u32(0xFFFF_FFF0) + B.fourCC("mdta"))
        let ilst = B.box("ilst", B.u32(16) + B.u32(0xFFFF_FFFF) + B.box("data", [UInt8]()))
        let movie = B.ftyp("qt  ") + B.box("moov", B.box("meta", [B.hdlr("mdta"), keys, ilst]))
        _ = try scanBytes(movie, .mov)
    }

    @Test("random mutations of valid files never crash")
    func mutations() {
        var rng = SplitMix(state: 42)
        let seeds = [Self.heif().bytes, Self.movie(), Self.movie(mvhdVersion: 1)]
        for round in 0..<3000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[i] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[i] = 0xFF
                case 2: bytes[i] = 0
                default: bytes.removeLast(Int.random(in: 0...min(16, bytes.count - 1), using: &rng))
                }
                if bytes.isEmpty { break }
            }
            _ = try? scanBytes(bytes, round % 3 == 0 ? .heic : .mov)
        }
    }

    // MARK: Text formats and helpers

    @Test("ISO 6709 strings")
    func iso6709() throws {
        let a = try #require(ISOBMFFParser.parseISO6709("+32.0929+034.8620+028.516/"))
        #expect(a.latitude == 32.0929 && a.longitude == 34.862 && a.altitude == 28.516)
        let b = try #require(ISOBMFFParser.parseISO6709("+51.4169-000.0806/"))
        #expect(b.latitude == 51.4169 && b.longitude == -0.0806 && b.altitude == nil)
        let c = try #require(ISOBMFFParser.parseISO6709("-3330.5+15030.5/"))  // DDMM.M
        #expect(abs(c.latitude + 33.508333) < 1e-5 && abs(c.longitude - 150.508333) < 1e-5)
        #expect(ISOBMFFParser.parseISO6709("48.8584,2.2945") == nil)
        #expect(ISOBMFFParser.parseISO6709("+98.0+002.0/") == nil)
        #expect(ISOBMFFParser.parseISO6709("") == nil)
    }

    @Test("ISO 8601 creation dates")
    func iso8601() throws {
        let a = try #require(DateText.parse("2019-07-24T11:25:40+0300"))
        #expect(a.local.text == "2019-07-24T11:25:40" && a.offsetSeconds == 10800)
        let b = try #require(DateText.parse("2021-04-11T15:47:53.054-05:00"))
        #expect(b.local.millisecond == 54 && b.offsetSeconds == -18000)
        let c = try #require(DateText.parse("2020-01-05T11:19:47Z"))
        #expect(c.offsetSeconds == 0)
        let d = try #require(DateText.parse("2020-01-05T11:19:47"))
        #expect(d.offsetSeconds == nil)
        #expect(DateText.parse("2020-13-05T11:19:47") == nil)
        #expect(DateText.parse("garbage") == nil)
    }

    @Test("CR3: CMT1, CMT2 and CMT4 merge into one TIFF; a block in another byte order is skipped")
    func cr3Merge() throws {
        // CMT1, little-endian: ImageWidth 6000, ImageLength 4000, Make "Canon" (out of line).
        let cmt1: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + B.le32(8) + B.le16(3)
            + B.le16(0x0100) + B.le16(3) + B.le32(1) + B.le16(6000) + [0, 0]
            + B.le16(0x0101) + B.le16(3) + B.le32(1) + B.le16(4000) + [0, 0]
            + B.le16(0x010F) + B.le16(2) + B.le32(6) + B.le32(50) + B.le32(0)
            + Array("Canon\0".utf8)
        // CMT2: ExposureTime 1/80 (rational, out of line), ISO 12800.
        let cmt2: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + B.le32(8) + B.le16(2)
            + B.le16(0x829A) + B.le16(5) + B.le32(1) + B.le32(38)
            + B.le16(0x8827) + B.le16(3) + B.le32(1) + B.le16(12800) + [0, 0] + B.le32(0)
            + B.le32(1) + B.le32(80)
        let bigEndianCMT2: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A] + B.u32(8) + B.u16(1)
            + B.u16(0x8827) + B.u16(3) + B.u32(1) + B.u16(12800) + [0, 0] + B.u32(0)
        func tiff(_ bytes: [UInt8]) -> TIFFStructure? { try? TIFFStructure(MemoryByteSource(bytes)) }
        let cmt4: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + B.le32(8) + B.le16(1)
            + B.le16(0x0000) + B.le16(1) + B.le32(4) + [2, 3, 0, 0] + B.le32(0)
        var warnings: [String] = []
        var skipped: [String] = []
        #expect(EXIFCompactor.merge(ifd0: tiff(cmt1), exif: tiff(bigEndianCMT2), gps: nil, warnings: &skipped) != nil)
        #expect(skipped.count == 1)
        let merged = try #require(EXIFCompactor.merge(ifd0: tiff(cmt1), exif: tiff(cmt2), gps: tiff(cmt4), warnings: &warnings))
        #expect(warnings.isEmpty)
        #expect(merged.width == 6000 && merged.height == 4000)

        let tiff = try TIFFStructure(MemoryByteSource(merged.tiff))
        #expect(!tiff.bigEndian)
        let ifd0 = try tiff.readIFD(at: tiff.firstIFDOffset).entries
        #expect(ifd0.map(\.tag) == [0x0100, 0x0101, 0x010F, 0x8769, 0x8825])
        #expect(ifd0.first { $0.tag == 0x010F }.flatMap { tiff.string($0) } == "Canon")
        let exifOffset = try #require(ifd0.first { $0.tag == 0x8769 }.flatMap { tiff.integer($0) })
        let exif = try tiff.readIFD(at: exifOffset).entries
        let exposure = try #require(exif.first { $0.tag == 0x829A }?.value)
        #expect(exposure == B.le32(1) + B.le32(80))
        #expect(exif.first { $0.tag == 0x8827 }.flatMap { tiff.integer($0) } == 12800)
        let gpsOffset = try #require(ifd0.first { $0.tag == 0x8825 }.flatMap { tiff.integer($0) })
        let gps = try tiff.readIFD(at: gpsOffset).entries
        #expect(gps.first?.value == [2, 3, 0, 0])
    }

    @Test("CR3 file: Canon uuid box, track size and top-level XMP")
    func cr3File() throws {
        let cmt1: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + B.le32(8) + B.le16(1)
            + B.le16(0x0112) + B.le16(3) + B.le32(1) + B.le16(1) + [0, 0] + B.le32(0)
        let canon = B.box("uuid", ISOBMFFParser.canonUUID + B.box("CMT1", cmt1))
        let track = B.box("trak", [B.tkhd(width: 6000, height: 4000, degrees: 0), B.box("mdia", [B.hdlr("vide")])])
        let mvhd = B.full("mvhd", version: 0, B.u32(0) + B.u32(0) + B.u32(1) + B.u32(1) + [UInt8](repeating: 0, count: 80))
        let packet = Array("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>".utf8)
        let bytes = B.ftyp("crx ", ["crx ", "isom"]) + B.box("moov", [canon, mvhd, track])
            + B.box("uuid", ISOBMFFParser.xmpUUID + packet)
        let scan = try scanBytes(bytes, .cr3)
        #expect(scan.pixelWidth == 6000 && scan.pixelHeight == 4000)
        #expect(scan.rotation == nil)
        #expect(scan.duration == 1)
        #expect(scan.exif.count == 1)
        #expect(scan.exif.first.map { ISOBMFFParser.isTIFFHeader($0, 0) } == true)
        #expect(scan.xmp == [packet])
    }

    @Test("JPEG 2000 ihdr size")
    func jp2() throws {
        let sig = B.box("jP  ", [0x0D, 0x0A, 0x87, 0x0A])
        let ihdr = B.box("ihdr", B.u32(480) + B.u32(640) + B.u16(3) + [7, 7, 0, 0])
        let scan = try scanBytes(sig + B.ftyp("jp2 ") + B.box("jp2h", ihdr) + B.box("jp2c", [0xFF, 0x4F]), .jp2)
        #expect(scan.pixelWidth == 640 && scan.pixelHeight == 480)
    }

    @Test("JPEG XL Exif and xml boxes")
    func jxl() throws {
        let sig = B.box("JXL ", [0x0D, 0x0A, 0x87, 0x0A])
        let packet = Array("<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'/>".utf8)
        let bytes = sig + B.ftyp("jxl ") + B.box("Exif", B.u32(0) + B.tiff) + B.box("xml ", packet) + B.box("jxlc", [0xFF, 0x0A])
        let scan = try scanBytes(bytes, .jxl)
        #expect(scan.exif == [B.tiff])
        #expect(scan.xmp == [packet])
        #expect(scan.pixelWidth == nil)
    }
}

// MARK: - Corpus

/// The shared corpus: `MEDIAKIT_CORPUS`, else `<package root>/../shared/corpus`.
private let isoCorpusPath: String = {
    if let env = ProcessInfo.processInfo.environment["MEDIAKIT_CORPUS"], !env.isEmpty { return env }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
}()

private let isoCorpusExists = FileManager.default.fileExists(atPath: isoCorpusPath + "/truth.jsonl")

/// One corpus file of an ISO-based format with the exiftool values the parser must match.
struct ISOCorpusCase: Sendable, CustomTestStringConvertible {
    var path: String
    var fileType: String
    var width: Int?
    var height: Int?
    var rotation: Int?
    var duration: Double?
    var latitude: Double?
    var longitude: Double?
    var hasEXIF: Bool
    var testDescription: String { path }

    static func load() -> [ISOCorpusCase] {
        guard isoCorpusExists,
              let truth = try? String(contentsOfFile: isoCorpusPath + "/truth.jsonl", encoding: .utf8),
              let full = try? String(contentsOfFile: isoCorpusPath + "/truth-full.jsonl", encoding: .utf8) else { return [] }
        var exifPaths = Set<String>()
        for line in full.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let path = object["path"] as? String,
                  let tags = object["exiftool"] as? [String: Any] else { continue }
            if tags.keys.contains(where: { $0.hasPrefix("EXIF:") }) { exifPaths.insert(path) }
        }
        let types: Set<String> = ["HEIC", "HEIF", "AVIF", "MOV", "MP4", "3GP", "CR3"]
        var cases: [ISOCorpusCase] = []
        for line in truth.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let path = o["path"] as? String, let type = o["file_type"] as? String, types.contains(type) else { continue }
            func int(_ k: String) -> Int? { (o[k] as? NSNumber)?.intValue }
            func double(_ k: String) -> Double? { (o[k] as? NSNumber)?.doubleValue }
            cases.append(ISOCorpusCase(path: path, fileType: type, width: int("raw_width"), height: int("raw_height"),
                                       rotation: int("rotation"), duration: double("Duration"),
                                       latitude: double("GPSLatitude"), longitude: double("GPSLongitude"),
                                       hasEXIF: exifPaths.contains(path)))
        }
        return cases
    }

    /// Files where the parser deliberately differs from exiftool, with the value it gives.
    static let knownSizeDifferences: [String: (Int, Int)] = [
        // A fuzzed copy of cheers_1440x960.heic whose `ipma` box is destroyed: exiftool keeps
        // the last `ispe` it saw (the 240x160 thumbnail); the parser takes the largest
        // declared size, the primary image's 1440x960.
        "media/metadata-extractor-images/heic/IllegalArgumentException.HeifReader.processBoxes.heif": (1440, 960),
    ]
}

@Suite("ISOBMFFParser corpus", .enabled(if: isoCorpusExists))
struct ISOBMFFParserCorpusTests {
    @Test("matches exiftool", arguments: ISOCorpusCase.load())
    func corpusFile(_ c: ISOCorpusCase) throws {
        let source = try FileByteSource(path: isoCorpusPath + "/" + c.path)
        let header = try source.read(at: 0, count: MediaFormat.sniffLength)
        let format = try #require(MediaFormat.sniff(header))
        let scan = try ContainerScanner.scan(source, format: format)

        if let (w, h) = ISOCorpusCase.knownSizeDifferences[c.path] {
            #expect(scan.pixelWidth == w && scan.pixelHeight == h)
        } else {
            #expect(scan.pixelWidth == c.width, "width")
            #expect(scan.pixelHeight == c.height, "height")
        }
        if let rotation = c.rotation {
            // exiftool's Rotation is irot's anti-clockwise angle for HEIF, clockwise for videos.
            let isHEIF = [MediaFormat.heic, .heif, .avif].contains(scan.format)
            #expect(scan.rotation == (isHEIF ? (360 - rotation) % 360 : rotation), "rotation")
        }
        if let duration = c.duration {
            let got = try #require(scan.duration)
            #expect(abs(got - duration) <= duration * 0.005, "duration \(got) vs \(duration)")
        }
        if c.hasEXIF {
            #expect(!(scan.exif.first?.isEmpty ?? true), "EXIF payload")
            #expect(scan.exif.allSatisfy { ISOBMFFParser.isTIFFHeader($0, 0) })
        }
        if format.kind == .video, let lat = c.latitude, let lon = c.longitude {
            let location = try #require(scan.quickTime.location)
            #expect(abs(location.latitude - lat) < 1e-5)
            #expect(abs(location.longitude - lon) < 1e-5)
        }
    }

    @Test("every ISO-based corpus file is covered")
    func coverage() {
        #expect(ISOCorpusCase.load().count >= 20)
    }
}
