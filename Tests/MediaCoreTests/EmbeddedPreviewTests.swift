import Foundation
import Testing
import VipsShim
@testable import MediaCore

/// `EmbeddedPreview` on synthetic raws built here (TIFF, RW2, ORF, CR3, RAF, CRW) and on the
/// shared corpus against exiftool's listing in truth-full.jsonl.
@Suite struct EmbeddedPreviewTests {
    // MARK: - Synthetic files

    /// A gray baseline JPEG that libjpeg decodes: SOI, DQT, SOF (`frameMarker`), one-code DC and
    /// AC Huffman tables, SOS, two bits per 8×8 block (DC difference 0, end of block), EOI.
    static func jpeg(width: Int, height: Int, frameMarker: UInt8 = 0xC0) -> [UInt8] {
        func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        var out: [UInt8] = [0xFF, 0xD8]
        out += [0xFF, 0xDB, 0x00, 0x43, 0x00] + [UInt8](repeating: 1, count: 64)
        out += [0xFF, frameMarker, 0x00, 0x0B, 8] + be16(height) + be16(width) + [1, 1, 0x11, 0]
        for table: UInt8 in [0x00, 0x10] {
            out += [0xFF, 0xC4, 0x00, 0x14, table, 1] + [UInt8](repeating: 0, count: 15) + [0]
        }
        out += [0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]
        let bits = (width + 7) / 8 * ((height + 7) / 8) * 2
        var data = [UInt8](repeating: 0, count: (bits + 7) / 8)
        let pad = data.count * 8 - bits
        if pad > 0 { data[data.count - 1] = UInt8((1 << pad) - 1) }
        return out + data + [0xFF, 0xD9]
    }

    /// A little-endian classic TIFF: IFDs laid out after the header, then the blobs.
    struct TIFFFile {
        enum Value {
            case short(UInt16)
            case long(UInt32)
            /// LONGs.
            case longs([UInt32])
            /// The offset of IFD n (LONG).
            case ifd(Int)
            /// The offsets of IFDs (LONG array), for SubIFDs.
            case ifds([Int])
            /// The offset of blob n (LONG).
            case offset(Int)
            /// The length of blob n (LONG).
            case length(Int)
            /// Blob n as the tag's value (UNDEFINED).
            case undefined(Int)
        }

        var ifds: [[(UInt16, Value)]]
        /// IFD indexes chained from the header, in order.
        var chain: [Int] = [0]
        var blobs: [[UInt8]] = []
        var magic: UInt16 = 42

        func build() -> [UInt8] {
            func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
            func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
            // Arrays (of more than one LONG) go after the IFDs, then the blobs.
            var ifdOffsets: [Int] = []
            var position = 8
            for ifd in ifds { ifdOffsets.append(position); position += 2 + ifd.count * 12 + 4 }
            var arrays: [[UInt8]] = []
            var arrayOffsets: [String: Int] = [:]
            for (i, ifd) in ifds.enumerated() {
                for (j, (_, value)) in ifd.enumerated() {
                    var longs: [UInt32] = []
                    if case .longs(let v) = value { longs = v }
                    if case .ifds(let v) = value { longs = v.map { UInt32(ifdOffsets[$0]) } }
                    guard longs.count > 1 else { continue }
                    arrayOffsets["\(i).\(j)"] = position
                    arrays.append(longs.flatMap(le32))
                    position += longs.count * 4
                }
            }
            var blobOffsets: [Int] = []
            for blob in blobs { blobOffsets.append(position); position += blob.count + blob.count % 2 }
            var out: [UInt8] = [0x49, 0x49] + le16(magic) + le32(UInt32(ifdOffsets.first ?? 0))
            for (i, ifd) in ifds.enumerated() {
                out += le16(UInt16(ifd.count))
                for (j, (tag, value)) in ifd.enumerated() {
                    let spec: (type: UInt16, count: Int, field: UInt32)
                    switch value {
                    case .short(let v): spec = (3, 1, UInt32(v))
                    case .long(let v): spec = (4, 1, v)
                    case .longs(let v): spec = (4, v.count, v.count == 1 ? v[0] : UInt32(arrayOffsets["\(i).\(j)"] ?? 0))
                    case .ifd(let n): spec = (4, 1, UInt32(ifdOffsets[n]))
                    case .ifds(let v):
                        spec = (4, v.count, v.count == 1 ? UInt32(ifdOffsets[v[0]]) : UInt32(arrayOffsets["\(i).\(j)"] ?? 0))
                    case .offset(let n): spec = (4, 1, UInt32(blobOffsets[n]))
                    case .length(let n): spec = (4, 1, UInt32(blobs[n].count))
                    case .undefined(let n): spec = (7, blobs[n].count, UInt32(blobOffsets[n]))
                    }
                    out += le16(tag) + le16(spec.type) + le32(UInt32(spec.count)) + le32(spec.field)
                }
                let next = chain.firstIndex(of: i).flatMap { $0 + 1 < chain.count ? ifdOffsets[chain[$0 + 1]] : nil } ?? 0
                out += le32(UInt32(next))
            }
            for array in arrays { out += array }
            for blob in blobs { out += blob + (blob.count % 2 == 1 ? [0] : []) }
            return out
        }
    }

    /// An ISO BMFF box (`uuid` boxes take their extended type in `uuid`).
    static func box(_ type: String, _ payload: [UInt8], uuid: [UInt8] = []) -> [UInt8] {
        let size = 8 + uuid.count + payload.count
        return [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
            + Array(type.utf8) + uuid + payload
    }

    static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }

    static func candidates(_ bytes: [UInt8], _ format: MediaFormat) throws -> [EmbeddedPreview.Candidate] {
        try EmbeddedPreview.candidates(in: MemoryByteSource(bytes), format: format)
    }

    static func largest(_ bytes: [UInt8], _ format: MediaFormat) throws -> EmbeddedJPEG? {
        try EmbeddedPreview.largest(in: MemoryByteSource(bytes), format: format)?.jpeg
    }

    /// Writes `bytes` to a temporary file for the duration of `body`.
    static func withTemporaryFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("embedded-preview-\(UUID().uuidString)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }

    /// The size libvips decodes the JPEG to (all pixels decoded, errors fatal).
    static func vipsDecode(_ bytes: [UInt8]) throws -> (width: Int, height: Int) {
        try VipsRuntime.start(threads: 1)
        return try withTemporaryFile(bytes) { path throws in
            let image = try VipsImage.call(path, "opening the JPEG") { vshim_open_file(path, &$0) }
            let pixels = try VipsImage.call(path, "decoding the JPEG") { vshim_copy_memory(image.pointer, &$0) }
            return (pixels.width, pixels.height)
        }
    }

    // MARK: - TIFF

    @Test func tiffPreviewNamedByJPEGInterchangeFormatIsFound() throws {
        let preview = Self.jpeg(width: 160, height: 120)
        let tiff = TIFFFile(ifds: [[(0x0100, .short(4000)), (0x0101, .short(3000)), (0x0201, .offset(0)), (0x0202, .length(0))]],
                            blobs: [preview]).build()
        let found = try #require(try Self.largest(tiff, .tiff))
        #expect(found.width == 160 && found.height == 120)
        #expect(found.length == Int64(preview.count))
        #expect(Array(tiff[Int(found.offset)..<Int(found.offset) + preview.count]) == preview)

        // The public API, on a file: the same preview, its bytes, and libvips decodes them.
        try Self.withTemporaryFile(tiff) { path throws in
            #expect(try EmbeddedPreview.largestJPEG(in: path, format: .dng) == found)
            let bytes = try #require(try EmbeddedPreview.largestJPEGBytes(in: path, format: .dng))
            #expect(bytes == preview)
            let decoded = try Self.vipsDecode(bytes)
            #expect(decoded.width == 160 && decoded.height == 120)
        }
    }

    @Test func previewOutsideTheFileGivesNil() throws {
        let preview = Self.jpeg(width: 160, height: 120)
        func tiff(offset: TIFFFile.Value, length: TIFFFile.Value) -> [UInt8] {
            TIFFFile(ifds: [[(0x0100, .short(16)), (0x0201, offset), (0x0202, length)]], blobs: [preview]).build()
        }
        let whole = tiff(offset: .offset(0), length: .length(0))
        #expect(try Self.largest(whole, .tiff) != nil)
        // Offset past the end of the file.
        #expect(try Self.largest(tiff(offset: .long(UInt32(whole.count + 100)), length: .length(0)), .tiff) == nil)
        #expect(try Self.largest(tiff(offset: .long(UInt32.max), length: .long(UInt32.max)), .tiff) == nil)
        // Length past the end of the file.
        #expect(try Self.largest(tiff(offset: .offset(0), length: .long(UInt32(preview.count + 100))), .tiff) == nil)
        // A file truncated inside the JPEG's header, or inside the IFD.
        #expect(try Self.largest(Array(whole.prefix(whole.count - preview.count + 40)), .tiff) == nil)
        #expect(try Self.largest(Array(whole.prefix(20)), .tiff) == nil)
        // The same cases through a file: nil, no error.
        try Self.withTemporaryFile(tiff(offset: .long(UInt32(whole.count + 100)), length: .length(0))) { path throws in
            #expect(try EmbeddedPreview.largestJPEG(in: path, format: .nef) == nil)
            #expect(try EmbeddedPreview.largestJPEGBytes(in: path, format: .nef) == nil)
        }
    }

    @Test func missingFileThrowsWithItsPath() {
        let path = "/nonexistent/\(UUID().uuidString).nef"
        let error = #expect(throws: MediaCoreError.self) { try EmbeddedPreview.largestJPEG(in: path, format: .nef) }
        #expect(error?.code == .notFound && error?.path == path)
    }

    @Test func damagedOrForeignBytesGiveNilForEveryFormat() throws {
        var generator = SystemRandomNumberGenerator()
        let inputs: [[UInt8]] = [
            [],
            [0x49, 0x49, 0x2A, 0x00],
            [0x49, 0x49, 0x2A, 0x00, 0xFF, 0xFF, 0xFF, 0x7F],
            Self.jpeg(width: 64, height: 48),
            (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) },
            // IFD0 pointing at itself as its SubIFD, its EXIF IFD and its next IFD.
            TIFFFile(ifds: [[(0x014A, .ifd(0)), (0x8769, .ifd(0))]], chain: [0, 0]).build(),
        ]
        for bytes in inputs {
            for format in MediaFormat.allCases {
                #expect(try Self.largest(bytes, format) == nil, "\(format) on \(bytes.count) bytes")
            }
        }
    }

    @Test func largestByPixelsWinsAndLosslessOrSplitJPEGsAreNotPreviews() throws {
        let small = Self.jpeg(width: 160, height: 120)
        let large = Self.jpeg(width: 640, height: 480)
        let lossless = Self.jpeg(width: 1024, height: 768, frameMarker: 0xC3)   // DNG/CR2 raw data
        let split = Self.jpeg(width: 800, height: 600)
        let tables = Self.jpeg(width: 1200, height: 800)
        let tiff = TIFFFile(
            ifds: [
                // IFD0: the EXIF-style thumbnail, and three SubIFDs.
                [(0x0100, .short(160)), (0x0201, .offset(0)), (0x0202, .length(0)), (0x014A, .ifds([1, 2, 3]))],
                // SubIFD0: a JPEG-compressed preview in one strip (DNG).
                [(0x0103, .short(7)), (0x0111, .offset(1)), (0x0117, .length(1))],
                // SubIFD1: lossless JPEG raw data, larger but not a preview.
                [(0x0103, .short(7)), (0x0111, .offset(2)), (0x0117, .length(2))],
                // SubIFD2: an image in two strips (each strip is only part of it).
                [(0x0103, .short(7)), (0x0111, .longs([0, 0])), (0x0117, .longs([UInt32(split.count), 0]))],
                // IFD1 (chained): one strip whose tables are shared in JPEGTables.
                [(0x0103, .short(7)), (0x0111, .offset(4)), (0x0117, .length(4)), (0x015B, .undefined(0))],
            ],
            chain: [0, 4],
            blobs: [small, large, lossless, split, tables]).build()
        let found = try Self.candidates(tiff, .dng)
        #expect(found.map(\.origin) == ["IFD0 JPEGInterchangeFormat", "IFD0 SubIFD0 JPEG strip"])
        let best = try #require(try Self.largest(tiff, .dng))
        #expect(best.width == 640 && best.height == 480 && best.length == Int64(large.count))
    }

    @Test func panasonicJpgFromRawIsFound() throws {
        let preview = Self.jpeg(width: 1920, height: 1080)
        var file = TIFFFile(ifds: [[(0x0002, .short(4000)), (0x002E, .undefined(0))]], blobs: [preview])
        file.magic = 0x55
        let rw2 = file.build()
        #expect(MediaFormat.sniff(rw2) == .rw2)
        let found = try Self.candidates(rw2, .rw2)
        #expect(found.map(\.origin) == ["IFD0 JpgFromRaw"])
        #expect(found.first?.jpeg.width == 1920 && found.first?.jpeg.length == Int64(preview.count))
    }

    @Test func olympusMakerNotePreviewIsFound() throws {
        let thumbnail = Self.jpeg(width: 160, height: 120)
        let preview = Self.jpeg(width: 1280, height: 960)
        // "OLYMPUS\0II\3\0", an IFD whose CameraSettings (0x2020) IFD names the preview, offsets
        // relative to the maker note.
        func entry(_ tag: Int, _ type: Int, _ value: Int) -> [UInt8] {
            [UInt8(tag & 0xFF), UInt8(tag >> 8), UInt8(type), 0] + Self.le32(1) + Self.le32(value)
        }
        let settingsAt = 12 + 2 + 12 + 4
        let previewAt = settingsAt + 2 + 2 * 12 + 4
        var makerNote = Array("OLYMPUS\0II".utf8) + [3, 0]
        makerNote += [1, 0] + entry(0x2020, 13, settingsAt) + Self.le32(0)
        makerNote += [2, 0] + entry(0x0101, 4, previewAt) + entry(0x0102, 4, preview.count) + Self.le32(0)
        makerNote += preview
        var file = TIFFFile(ifds: [[(0x0100, .short(4000)), (0x0201, .offset(0)), (0x0202, .length(0)), (0x8769, .ifd(1))],
                                   [(0x927C, .undefined(1))]],
                            blobs: [thumbnail, makerNote])
        file.magic = 0x4F52  // "IIRO"
        let orf = file.build()
        #expect(MediaFormat.sniff(orf) == .orf)
        let found = try Self.candidates(orf, .orf)
        #expect(found.map(\.origin) == ["IFD0 JPEGInterchangeFormat", "Olympus PreviewImage"])
        let best = try #require(try Self.largest(orf, .orf))
        #expect(best.width == 1280 && best.height == 960 && best.length == Int64(preview.count))
    }

    // MARK: - CR3, RAF, CRW

    @Test func cr3ThumbnailPreviewAndFullSizeTrackAreFound() throws {
        let thumbnail = Self.jpeg(width: 160, height: 120)
        let preview = Self.jpeg(width: 1620, height: 1080)
        let full = Self.jpeg(width: 6000, height: 4000)
        let crx: [UInt8] = [0xFF, 0x01] + [UInt8](repeating: 0x55, count: 200)   // not a JPEG
        let ftyp = Self.box("ftyp", Array("crx ".utf8) + Self.be32(1) + Array("crx isom".utf8))
        let thmb = Self.box("THMB", Self.be32(0) + [0, 160, 0, 120] + Self.be32(thumbnail.count) + Self.be32(0x10000) + thumbnail)
        let canon = Self.box("uuid", Self.box("CNCV", Array("CanonCR3_001/00.09.00/00.00.00".utf8)) + thmb,
                             uuid: ISOBMFFParser.canonUUID)
        let prvw = Self.box("PRVW", Self.be32(0) + [0, 1, 0x06, 0x54, 0x04, 0x38, 0, 1] + Self.be32(preview.count) + preview)
        let previewBox = Self.box("uuid", [0, 0, 0, 0, 0, 0, 0, 1] + prvw, uuid: EmbeddedPreview.canonPreviewUUID)
        func trak(offset: Int, size: Int, co64: Bool) -> [UInt8] {
            let stsz = Self.box("stsz", Self.be32(0) + Self.be32(size) + Self.be32(1))
            let chunks = co64 ? Self.box("co64", Self.be32(0) + Self.be32(1) + Self.be32(0) + Self.be32(offset))
                               : Self.box("stco", Self.be32(0) + Self.be32(1) + Self.be32(offset))
            let stbl = Self.box("stbl", Self.box("stsd", Self.be32(0) + Self.be32(0)) + stsz + chunks)
            return Self.box("trak", Self.box("tkhd", [UInt8](repeating: 0, count: 84))
                                   + Self.box("mdia", Self.box("minf", stbl)))
        }
        // Two passes: the first learns where mdat's payload starts.
        func file(mdatStart: Int) -> [UInt8] {
            let moov = Self.box("moov", canon + trak(offset: mdatStart, size: full.count, co64: true)
                                    + trak(offset: mdatStart + full.count, size: crx.count, co64: false))
            return ftyp + moov + previewBox + Self.box("mdat", full + crx)
        }
        let draft = file(mdatStart: 0)
        let cr3 = file(mdatStart: draft.count - full.count - crx.count)
        #expect(MediaFormat.sniff(cr3) == .cr3)
        let found = try Self.candidates(cr3, .cr3)
        #expect(Set(found.map(\.origin)) == ["CR3 THMB", "CR3 PRVW", "CR3 track 1"])
        #expect(Set(found.map { "\($0.jpeg.width)x\($0.jpeg.height)" }) == ["160x120", "1620x1080", "6000x4000"])
        let best = try #require(try Self.largest(cr3, .cr3))
        #expect(best.width == 6000 && best.length == Int64(full.count))
        #expect(Array(cr3[Int(best.offset)..<Int(best.offset + best.length)]) == full)
    }

    @Test func rafHeaderPreviewIsFound() throws {
        let preview = Self.jpeg(width: 1920, height: 1280)
        var raf = Array("FUJIFILMCCD-RAW 0201FF383501".utf8)
        raf += [UInt8](repeating: 0, count: 84 - raf.count)
        raf += Self.be32(148) + Self.be32(preview.count)
        raf += [UInt8](repeating: 0, count: 148 - raf.count) + preview + [UInt8](repeating: 0, count: 64)
        #expect(MediaFormat.sniff(raf) == .raf)
        let best = try #require(try Self.largest(raf, .raf))
        #expect(best == EmbeddedJPEG(offset: 148, length: Int64(preview.count), width: 1920, height: 1280))
        // A header naming bytes past the end.
        var bad = raf
        bad.replaceSubrange(88..<92, with: Self.be32(raf.count))
        #expect(try Self.largest(bad, .raf) == nil)
    }

    @Test func crwJpgFromRawIsFoundInASubHeap() throws {
        let preview = Self.jpeg(width: 2048, height: 1360)
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        // A heap: data, then the record table (count, records of tag/size/offset), then its offset.
        func heap(_ records: [(tag: Int, data: [UInt8])]) -> [UInt8] {
            var data: [UInt8] = [], table: [UInt8] = le16(records.count)
            for record in records {
                table += le16(record.tag) + Self.le32(record.data.count) + Self.le32(data.count)
                data += record.data
            }
            return data + table + Self.le32(data.count)
        }
        let imageProps = heap([(0x2007, preview), (0x2008, Self.jpeg(width: 160, height: 120))])
        let root = heap([(0x300A, imageProps)])
        let crw = Array("II".utf8) + Self.le32(26) + Array("HEAPCCDR".utf8) + Self.le32(0x10002) + [UInt8](repeating: 0, count: 8) + root
        #expect(MediaFormat.sniff(crw) == .crw)
        let found = try Self.candidates(crw, .crw)
        #expect(found.map(\.origin) == ["CRW JpgFromRaw", "CRW ThumbnailImage"])
        let best = try #require(try Self.largest(crw, .crw))
        #expect(best.width == 2048 && best.height == 1360 && best.length == Int64(preview.count))
    }

    // MARK: - Corpus

    /// An embedded image exiftool lists (truth-full.jsonl).
    struct Listed: CustomStringConvertible {
        var tag: String
        var offset: Int64?
        var length: Int64
        var description: String { "\(tag) \(length) B" + (offset.map { " @\($0)" } ?? "") }
    }

    /// exiftool's JPEG images of a file: `XStart`/`XOffset` + `XLength` pairs with one value each,
    /// and `(Binary data N bytes…)` values of PreviewImage, JpgFromRaw, ThumbnailImage, OtherImage
    /// whose offset it does not give.
    static func listed(_ tags: [String: Any]) -> [Listed] {
        let names = ["PreviewImage", "JpgFromRaw", "ThumbnailImage", "OtherImage", "Thumbnail"]
        func number(_ v: Any?) -> Int64? {
            if let i = v as? Int { return Int64(i) }
            if let d = v as? Double { return Int64(d) }
            return nil
        }
        var out: [Listed] = []
        var covered: Set<String> = []
        for key in tags.keys.sorted() {
            for suffix in ["Start", "Offset"] where key.hasSuffix(suffix) {
                let stem = String(key.dropLast(suffix.count))
                guard names.contains(where: { stem.hasSuffix(":" + $0) }), let offset = number(tags[key]),
                      let length = number(tags[stem + "Length"]) else { continue }
                out.append(Listed(tag: stem, offset: offset, length: length))
                covered.insert(stem)
                covered.insert(stem + "Image")
            }
        }
        for key in tags.keys.sorted() where !covered.contains(key) && names.contains(where: { key.hasSuffix(":" + $0) }) {
            guard let text = tags[key] as? String, text.hasPrefix("(Binary data "),
                  let length = Int64(text.dropFirst("(Binary data ".count).prefix { $0.isNumber }) else { continue }
            out.append(Listed(tag: key, offset: nil, length: length))
        }
        return out
    }

    /// The frame size of a standalone JPEG at `offset` (SOI, then segments up to SOF0/1/2 and
    /// SOS inside `length` bytes) — written separately from the code under test.
    static func frame(_ bytes: [UInt8], at offset: Int, length: Int) -> (width: Int, height: Int)? {
        guard offset >= 0, length >= 4, offset + length <= bytes.count,
              bytes[offset] == 0xFF, bytes[offset + 1] == 0xD8 else { return nil }
        let end = offset + length
        var i = offset + 2
        var size: (Int, Int)?
        while i + 4 <= end {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }
            let segment = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if marker == 0xDA { return size }
            if [0xC0, 0xC1, 0xC2].contains(marker), i + 9 <= end {
                size = (Int(bytes[i + 7]) << 8 | Int(bytes[i + 8]), Int(bytes[i + 5]) << 8 | Int(bytes[i + 6]))
            } else if (0xC3...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                return nil
            }
            i += 2 + segment
        }
        return nil
    }

    /// Offsets of every standalone JPEG in the file that runs to the end of the file at most
    /// (brute force: each `FF D8 FF`).
    static func jpegStarts(_ bytes: [UInt8]) -> [Int] {
        guard bytes.count >= 3 else { return [] }
        return (0..<bytes.count - 2).filter { i in
            bytes[i] == 0xFF && bytes[i + 1] == 0xD8 && bytes[i + 2] == 0xFF && frame(bytes, at: i, length: bytes.count - i) != nil
        }
    }

    @Test(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
    func corpusRawsAgreeWithExiftool() throws {
        var full: [String: [String: Any]] = [:]
        let text = try String(contentsOfFile: Corpus.path("truth-full.jsonl"), encoding: .utf8)
        for line in text.split(separator: "\n") {
            if let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let p = o["path"] as? String {
                full[p] = o["exiftool"] as? [String: Any] ?? [:]
            }
        }
        var configuration = StandardMetadataReader.Configuration()
        configuration.readsSidecars = false
        let reader = StandardMetadataReader(configuration: configuration)
        var table = ["file | format | largest preview found | other candidates | exiftool lists",
                     "---|---|---|---|---"]
        var rawCount = 0, rawsWithPreview = 0
        for row in try Corpus.truth() {
            let relative = row["path"] as? String ?? ""
            let path = Corpus.path(relative)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            guard let format = (try? reader.read(path: path).format) ?? MediaFormat.sniff(bytes),
                  format.kind == .raw || format == .tiff || format == .bigTIFF else { continue }
            let found = try EmbeddedPreview.largestJPEG(in: path, format: format)
            let all = try EmbeddedPreview.candidates(in: FileByteSource(path: path), format: format)
            let listed = Self.listed(full[relative] ?? [:])
            let starts = Self.jpegStarts(bytes)
            let name = relative.split(separator: "/").last.map(String.init) ?? relative
            if format.kind == .raw {
                rawCount += 1
                if found != nil { rawsWithPreview += 1 }
            }

            // exiftool's images that are real JPEGs (placeholder bytes are not): at their offset
            // when it is given, else anywhere a JPEG of that length starts.
            var real: [(Listed, (width: Int, height: Int))] = []
            for item in listed {
                let at = item.offset.map { [Int($0)] } ?? starts
                if let size = at.lazy.compactMap({ Self.frame(bytes, at: $0, length: Int(item.length)) }).first {
                    real.append((item, size))
                }
            }
            // exiftool's comparison is for raws (its PreviewImage of a JPEG-compressed TIFF is one
            // strip of the page).
            if format.kind != .raw { real = [] }
            for (item, size) in real {
                let ours = try #require(found, "\(name): exiftool lists \(item) (\(size.width)x\(size.height)) but nothing was found")
                // At least as large: as many bytes (or more pixels).
                #expect(ours.length >= item.length || ours.pixelCount > size.width * size.height,
                        "\(name): found \(ours) is smaller than exiftool's \(item)")
                if ours.offset == item.offset { #expect(ours.length == item.length, "\(name): \(item)") }
            }
            // Exactly exiftool's largest when nothing larger was found.
            if let largest = real.max(by: { $0.0.length < $1.0.length }), let found, found.length <= largest.0.length {
                #expect(found.length == largest.0.length && (largest.0.offset ?? found.offset) == found.offset
                        && found.width == largest.1.width && found.height == largest.1.height,
                        "\(name): \(found) is not exiftool's largest \(largest.0)")
            }
            // No invention: every candidate is a JPEG the brute-force scan sees, and a file
            // without any JPEG has no preview.
            for candidate in all {
                #expect(starts.contains(Int(candidate.jpeg.offset)), "\(name): \(candidate.origin) at \(candidate.jpeg.offset)")
            }
            if starts.isEmpty { #expect(found == nil, "\(name)") }

            // The bytes: SOI first, EOI after the frame header (a little padding may follow), the
            // frame size as reported, and libvips decodes them to that size.
            if let found {
                let jpeg = try #require(try EmbeddedPreview.largestJPEGBytes(in: path, format: format))
                #expect(jpeg.count == Int(found.length) && jpeg.starts(with: [0xFF, 0xD8]))
                let size = Self.frame(jpeg, at: 0, length: jpeg.count)
                #expect(size?.width == found.width && size?.height == found.height)
                let eoi = (0..<jpeg.count - 1).last { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xD9 } ?? -1
                #expect(eoi > 0 && jpeg.count - (eoi + 2) <= 1024, "\(name): \(jpeg.count - eoi - 2) bytes after the last EOI")
                let decoded = try Self.vipsDecode(jpeg)
                #expect(decoded.width == found.width && decoded.height == found.height, "\(name)")
            }
            if name == "multipage.tif" {
                #expect(found == nil, "the strips of a JPEG-compressed TIFF page are not a preview")
            }

            let foundText = found.map { j in
                "\(j.width)x\(j.height), \(j.length) B @\(j.offset) (\(all.first { $0.jpeg == j }?.origin ?? "?"))"
            } ?? "none"
            let others = all.filter { $0.jpeg != found }.map { "\($0.jpeg.width)x\($0.jpeg.height) \($0.origin)" }
            let listedText = listed.map { item in
                let size = real.first { $0.0.tag == item.tag }.map { "\($0.1.width)x\($0.1.height)" } ?? "not a JPEG"
                return "\(item) [\(size)]"
            }
            table.append("\(name) | \(format.rawValue) | \(foundText) | \(others.isEmpty ? "-" : others.joined(separator: "; ")) | "
                         + (listedText.isEmpty ? "-" : listedText.joined(separator: "; ")))
        }
        print(table.joined(separator: "\n"))
        print("\(rawsWithPreview) of \(rawCount) corpus raws have an embedded JPEG preview")
        #expect(rawCount >= 10)
    }
}
