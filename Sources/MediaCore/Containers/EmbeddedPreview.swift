/// One JPEG image embedded in a larger file: where it is and the size of its frame.
///
/// ```swift
/// if let preview = try EmbeddedPreview.largestJPEG(in: path, format: .nef) {
///     print(preview.width, preview.height, preview.length)   // 6048 4024 2312340
/// }
/// ```
public struct EmbeddedJPEG: Sendable, Hashable {
    /// Offset of the JPEG's first byte (its SOI marker, `FF D8`) in the file.
    public var offset: Int64
    /// Length in bytes as the container records it; it may run a few bytes past the EOI marker
    /// (padding), which JPEG decoders ignore.
    public var length: Int64
    /// Width in pixels, from the JPEG's frame header (SOF).
    public var width: Int
    /// Height in pixels, from the JPEG's frame header (SOF).
    public var height: Int

    /// Creates a description of an embedded JPEG.
    /// - Parameters:
    ///   - offset: Offset of the SOI marker in the file.
    ///   - length: Length in bytes.
    ///   - width: Frame width in pixels.
    ///   - height: Frame height in pixels.
    public init(offset: Int64, length: Int64, width: Int, height: Int) {
        self.offset = offset
        self.length = length
        self.width = width
        self.height = height
    }

    /// `width × height`.
    public var pixelCount: Int { width * height }
}

/// The JPEG previews that cameras embed in their raw files, for the thumbnailer: libvips cannot
/// decode most raw data, but it decodes these.
///
/// ```swift
/// guard let jpeg = try EmbeddedPreview.largestJPEGBytes(in: path, format: metadata.format) else {
///     // no usable preview: the raw data itself would have to be developed
/// }
/// ```
///
/// Where previews are looked for:
/// - TIFF-based raws (DNG, CR2, NEF, ARW, ORF, RW2, PEF, IIQ) and TIFF/BigTIFF: IFD0 and the IFDs
///   chained after it, their SubIFDs (0x14A) and the EXIF IFD. A JPEG is named by
///   JPEGInterchangeFormat/Length (0x201/0x202), by a single strip or tile when Compression
///   (0x103) is 6 or 7 and there are no shared JPEGTables (Canon CR2's IFD0, DNG previews), by
///   Panasonic's JpgFromRaw (0x2E), or by the PreviewImage of an Olympus maker note.
/// - CR3: the THMB thumbnail, the PRVW preview and the first sample of each track (in most CR3
///   files, track 1 is a full-size JPEG).
/// - RAF: the JPEG named by the header (offset 84). CRW: the JpgFromRaw (0x2007) and
///   ThumbnailImage (0x2008) records of the CIFF heaps.
/// - MRW, X3F and other formats: none.
///
/// Each candidate must lie inside the file and be a JPEG libjpeg decodes on its own: SOI, a
/// quantization table, an 8-bit baseline, extended or progressive frame (SOF0, SOF1, SOF2) and a
/// start of scan, in that order, inside the candidate's bytes. So lossless JPEG raw data (SOF3, as
/// in DNG and CR2), strips of a JPEG-compressed TIFF that share their tables, and placeholder
/// bytes are not previews.
///
/// Reads are small and bounded whatever the file says: at most 64 IFDs, 4 levels of SubIFDs,
/// 8 levels of CIFF heaps, 8 CR3 tracks and 64 candidates are looked at, and only the JPEG
/// markers up to the first scan are read; the preview's bytes are read only by
/// ``largestJPEGBytes(in:format:)``, up to ``maximumByteCount``.
public enum EmbeddedPreview {
    /// The largest preview ``largestJPEGBytes(in:format:)`` reads: 64 MiB. Camera previews are a
    /// few megabytes, full-size ones at most about 20.
    public static let maximumByteCount = 64 * 1024 * 1024

    /// The largest embedded JPEG preview of the file: the one with the most pixels (from its frame
    /// header), then the longest.
    /// - Parameters:
    ///   - path: The file.
    ///   - format: Its format, as ``MediaFormat/sniff(_:)`` or the metadata reader found it; only
    ///     raw formats, TIFF and BigTIFF have previews.
    /// - Returns: The preview, or `nil` when the file has none (a damaged structure counts as none).
    /// - Throws: `MediaCoreError` naming the file when it cannot be opened or read.
    public static func largestJPEG(in path: String, format: MediaFormat) throws(MediaCoreError) -> EmbeddedJPEG? {
        let source: FileByteSource
        do { source = try FileByteSource(path: path) } catch { throw error.at(path) }
        do { return try largest(in: source, format: format)?.jpeg } catch { throw error.at(path) }
    }

    /// The bytes of the largest embedded JPEG preview (see ``largestJPEG(in:format:)``), ready for
    /// a JPEG decoder.
    /// - Parameters:
    ///   - path: The file.
    ///   - format: Its format.
    /// - Returns: The JPEG, or `nil` when the file has no preview.
    /// - Throws: as ``bytes(of:in:)``.
    public static func largestJPEGBytes(in path: String, format: MediaFormat) throws(MediaCoreError) -> [UInt8]? {
        guard let preview = try largestJPEG(in: path, format: format) else { return nil }
        return try bytes(of: preview, in: path)
    }

    /// The bytes of a preview that ``largestJPEG(in:format:)`` found in the file at `path`.
    /// - Throws: `MediaCoreError` naming the file when it cannot be read, `.truncated` when it
    ///   shrank meanwhile, and `.undecodable` when the preview is larger than ``maximumByteCount``.
    public static func bytes(of preview: EmbeddedJPEG, in path: String) throws(MediaCoreError) -> [UInt8] {
        guard preview.length <= Int64(maximumByteCount) else {
            throw MediaCoreError(.undecodable, "the embedded JPEG preview at offset \(preview.offset) is \(preview.length) bytes, "
                                 + "more than the \(maximumByteCount / (1024 * 1024)) MiB limit", path: path)
        }
        do throws(MediaCoreError) {
            let source = try FileByteSource(path: path)
            return try source.readExactly(at: preview.offset, count: Int(preview.length), "the embedded JPEG preview")
        } catch {
            throw error.at(path)
        }
    }

    // MARK: - Candidates

    /// A validated embedded JPEG and what named it (for tests and diagnostics).
    struct Candidate {
        /// The JPEG.
        var jpeg: EmbeddedJPEG
        /// Where the file points at it, e.g. `"SubIFD0 JPEGInterchangeFormat"`, `"CR3 PRVW"`.
        var origin: String
    }

    /// Most IFDs visited in one TIFF structure.
    static let maxIFDs = 64
    /// Deepest SubIFD / EXIF IFD nesting followed.
    static let maxIFDDepth = 4
    /// Most candidates validated in one file.
    static let maxCandidates = 64
    /// Most JPEG marker segments walked before the first scan.
    static let maxSegments = 512

    /// The largest candidate: most pixels, then most bytes.
    static func largest(in source: any ByteSource, format: MediaFormat) throws(MediaCoreError) -> Candidate? {
        try candidates(in: source, format: format).max {
            ($0.jpeg.pixelCount, $0.jpeg.length) < ($1.jpeg.pixelCount, $1.jpeg.length)
        }
    }

    /// Every valid embedded JPEG found, in the order the file names them, one per offset.
    /// - Throws: Only read failures (`.unreadable`); damage ends the search of that structure.
    static func candidates(in source: any ByteSource, format: MediaFormat) throws(MediaCoreError) -> [Candidate] {
        let search = Search(source)
        switch format {
        case .tiff, .bigTIFF, .dng, .cr2, .nef, .arw, .orf, .rw2, .pef, .iiq:
            try tolerant { () throws(MediaCoreError) in try searchTIFF(search) }
        case .cr3:
            try tolerant { () throws(MediaCoreError) in try searchCR3(search) }
        case .raf:
            try tolerant { () throws(MediaCoreError) in try searchRAF(search) }
        case .crw:
            try tolerant { () throws(MediaCoreError) in try searchCRW(search) }
        default:
            break
        }
        return search.found
    }

    /// The candidates found so far in one file.
    final class Search {
        let source: any ByteSource
        private(set) var found: [Candidate] = []
        private var seen: Set<Int64> = []

        init(_ source: any ByteSource) { self.source = source }

        /// Validates the JPEG the file names at `offset` (absolute) with `length` bytes and keeps
        /// it if it is one; the first name given to an offset wins.
        func add(offset: Int64?, length: Int64?, _ origin: @autoclosure () -> String) throws(MediaCoreError) {
            guard let offset, let length, seen.count < EmbeddedPreview.maxCandidates,
                  seen.insert(offset).inserted else { return }
            guard let frame = try EmbeddedPreview.jpegFrame(source, offset: offset, length: length) else { return }
            found.append(Candidate(jpeg: EmbeddedJPEG(offset: offset, length: length, width: frame.width, height: frame.height),
                                   origin: origin()))
        }
    }

    /// Runs one part of the search: a damaged structure (`.corrupt`, `.truncated`...) ends that
    /// part quietly; a failing read ends the whole search.
    @discardableResult
    static func tolerant<T>(_ body: () throws(MediaCoreError) -> T) throws(MediaCoreError) -> T? {
        do {
            return try body()
        } catch {
            if error.code == .unreadable { throw error }
            return nil
        }
    }

    /// A file value (offset or length) as `Int64`, `nil` when absurdly large.
    static func int64(_ value: UInt64?) -> Int64? {
        guard let value, value < 1 << 62 else { return nil }
        return Int64(value)
    }

    // MARK: - JPEG validation

    /// The frame size of the JPEG stored at `offset` with `length` bytes, or `nil` unless those
    /// bytes hold, in order, SOI, a DQT, an 8-bit SOF0/SOF1/SOF2 frame with 1, 3 or 4 components,
    /// and an SOS followed by data (other segments, such as APPn and DHT, may come between).
    static func jpegFrame(_ source: any ByteSource, offset: Int64, length: Int64) throws(MediaCoreError) -> (width: Int, height: Int)? {
        guard offset >= 0, length >= 4, offset < source.size, length <= source.size - offset else { return nil }
        let end = offset + length
        guard try source.read(at: offset, count: 2) == [0xFF, 0xD8] else { return nil }
        var position = offset + 2
        var sawQuantization = false
        var frame: (width: Int, height: Int)?
        for _ in 0..<maxSegments {
            guard position + 4 <= end else { return nil }
            let head = try source.read(at: position, count: 4)
            guard head.count == 4, head[0] == 0xFF else { return nil }
            let marker = head[1]
            switch marker {
            case 0xFF:
                position += 1  // fill byte
                continue
            case 0x01, 0xD0...0xD7:
                position += 2  // markers without a length
                continue
            case 0xD8, 0xD9:
                return nil
            default:
                break
            }
            let segmentEnd = position + 2 + (Int64(head[2]) << 8 | Int64(head[3]))
            guard segmentEnd >= position + 4, segmentEnd <= end else { return nil }
            switch marker {
            case 0xDB:
                sawQuantization = true
            case 0xC0, 0xC1, 0xC2:
                guard frame == nil, segmentEnd - position >= 10 else { return nil }
                let sof = try source.read(at: position + 4, count: 6)
                guard sof.count == 6, sof[0] == 8, [1, 3, 4].contains(sof[5]) else { return nil }
                let height = Int(sof[1]) << 8 | Int(sof[2]), width = Int(sof[3]) << 8 | Int(sof[4])
                guard width > 0, height > 0 else { return nil }
                frame = (width, height)
            case 0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                return nil  // lossless, hierarchical or arithmetic-coded: not a preview
            case 0xDA:
                guard let frame, sawQuantization, segmentEnd < end else { return nil }
                return frame
            default:
                break
            }
            position = segmentEnd
        }
        return nil
    }

    // MARK: - TIFF

    /// IFD0 and its chain, SubIFDs and the EXIF IFD of the TIFF structure at the start of the file.
    static func searchTIFF(_ search: Search) throws(MediaCoreError) {
        let tiff = try TIFFStructure(search.source)
        var pending: [(offset: UInt64, depth: Int, name: String)] = [(tiff.firstIFDOffset, 0, "IFD0")]
        var visited: Set<UInt64> = []
        var chainIndex = 0
        while !pending.isEmpty, visited.count < maxIFDs {
            let (offset, depth, name) = pending.removeFirst()
            guard offset != 0, visited.insert(offset).inserted else { continue }
            guard let ifd = try tolerant({ () throws(MediaCoreError) in
                try tiff.readIFD(at: offset, maxValueSize: 1024)
            }) else { continue }
            var byTag: [UInt16: TIFFStructure.Entry] = [:]
            for entry in ifd.entries where byTag[entry.tag] == nil { byTag[entry.tag] = entry }
            func integer(_ tag: UInt16) -> UInt64? { byTag[tag].flatMap { tiff.integer($0) } }
            func absolute(_ value: UInt64?) -> Int64? { int64(value).map { tiff.base + $0 } }

            try search.add(offset: absolute(integer(0x0201)), length: int64(integer(0x0202)), "\(name) JPEGInterchangeFormat")
            // A JPEG-compressed image in one piece with its own tables: CR2's IFD0, DNG previews.
            if let compression = integer(0x0103), compression == 6 || compression == 7, byTag[0x015B] == nil {
                for (offsets, counts, what) in [(UInt16(0x0111), UInt16(0x0117), "strip"), (0x0144, 0x0145, "tile")] {
                    guard let o = byTag[offsets], let n = byTag[counts], o.count == 1, n.count == 1 else { continue }
                    try search.add(offset: absolute(tiff.integer(o)), length: int64(tiff.integer(n)), "\(name) JPEG \(what)")
                }
            }
            // Panasonic RW2: JpgFromRaw, a whole JPEG stored as the tag's value.
            if let jpg = byTag[0x002E], jpg.type == 7 || jpg.type == 1, jpg.valueOffset > 0 {
                try search.add(offset: jpg.valueOffset, length: int64(jpg.count), "\(name) JpgFromRaw")
            }
            if let makerNote = byTag[0x927C], makerNote.valueOffset > 0, makerNote.count >= 16 {
                try tolerant { () throws(MediaCoreError) in try searchOlympusMakerNote(search, tiff: tiff, at: makerNote.valueOffset) }
            }
            if depth < maxIFDDepth {
                if let subIFDs = byTag[0x014A] {
                    for (i, sub) in tiff.integers(subIFDs).prefix(16).enumerated() {
                        pending.append((sub, depth + 1, "\(name) SubIFD\(i)"))
                    }
                }
                if let exif = integer(0x8769) { pending.append((exif, depth + 1, "ExifIFD")) }
            }
            if depth == 0, ifd.next != 0 {
                chainIndex += 1
                pending.append((ifd.next, 0, "IFD\(chainIndex)"))
            }
        }
    }

    /// An IFD entry read without `TIFFStructure` (maker notes have their own headers and bases).
    struct RawEntry {
        var type: UInt16
        var count: UInt32
        /// The value field as an integer: a SHORT, a LONG, or the offset of a larger value.
        var value: UInt32
    }

    /// The entries of the classic IFD at absolute `offset`, the first of each tag.
    static func rawIFD(_ source: any ByteSource, at offset: Int64, bigEndian: Bool) throws(MediaCoreError) -> [UInt16: RawEntry]? {
        guard offset > 0, offset <= source.size - 2 else { return nil }
        guard let n = BinaryReader(try source.read(at: offset, count: 2), bigEndian: bigEndian).u16(0), n > 0, n <= 512 else { return nil }
        let table = try source.read(at: offset + 2, count: Int(n) * 12)
        let r = BinaryReader(table, bigEndian: bigEndian)
        var entries: [UInt16: RawEntry] = [:]
        for i in 0..<(table.count / 12) {
            guard let tag = r.u16(i * 12), let type = r.u16(i * 12 + 2), let count = r.u32(i * 12 + 4) else { break }
            let value = type == 3 ? r.u16(i * 12 + 8).map(UInt32.init) : r.u32(i * 12 + 8)
            if entries[tag] == nil, let value { entries[tag] = RawEntry(type: type, count: count, value: value) }
        }
        return entries
    }

    /// Olympus maker note (ORF): CameraSettings (0x2020) → PreviewImageStart/Length (0x101/0x102),
    /// offsets relative to the maker note in the current layouts ("OLYMPUS\0II", "OM SYSTEM\0\0\0II")
    /// and to the TIFF header in the old one ("OLYMP\0"). Other maker notes are ignored.
    static func searchOlympusMakerNote(_ search: Search, tiff: TIFFStructure, at start: Int64) throws(MediaCoreError) {
        let header = try search.source.read(at: start, count: 16)
        guard header.count == 16 else { return }
        // (IFD offset, base of the offsets, big-endian) by header.
        let layout: (ifd: Int64, base: Int64, bigEndian: Bool)
        if header.starts(with: Array("OLYMPUS\0".utf8)) {
            layout = (start + 12, start, header[8] == 0x4D)
        } else if header.starts(with: Array("OM SYSTEM\0\0\0".utf8)) {
            layout = (start + 16, start, header[12] == 0x4D)
        } else if header.starts(with: Array("OLYMP\0".utf8)) {
            layout = (start + 8, tiff.base, tiff.bigEndian)
        } else {
            return
        }
        guard let makerNote = try rawIFD(search.source, at: layout.ifd, bigEndian: layout.bigEndian),
              let settings = makerNote[0x2020],
              let camera = try rawIFD(search.source, at: layout.base + Int64(settings.value), bigEndian: layout.bigEndian),
              let previewStart = camera[0x0101], let previewLength = camera[0x0102] else { return }
        try search.add(offset: layout.base + Int64(previewStart.value), length: Int64(previewLength.value), "Olympus PreviewImage")
        if layout.base != tiff.base {
            try search.add(offset: tiff.base + Int64(previewStart.value), length: Int64(previewLength.value), "Olympus PreviewImage")
        }
    }

    // MARK: - CR3

    /// `uuid` of the CR3 box holding PRVW.
    static let canonPreviewUUID: [UInt8] = [0xEA, 0xF4, 0x2B, 0x5E, 0x1C, 0x98, 0x4B, 0x88,
                                            0xB9, 0xFB, 0xB7, 0xDC, 0x40, 0x6E, 0x4D, 0x16]
    /// Most CR3 tracks looked at.
    static let maxTracks = 8

    /// CR3: THMB (in Canon's `moov` uuid box), PRVW (in its own top-level uuid box) and the first
    /// sample of each track.
    static func searchCR3(_ search: Search) throws(MediaCoreError) {
        let session = ISOBMFFParser.Session(source: search.source, scan: ContainerScan(format: .cr3))
        var tracks = 0
        for box in try session.children(from: 0, to: search.source.size, depth: 0, parent: "file") {
            if box.type == "moov" {
                for child in try session.children(of: box, depth: 1) {
                    if child.type == "uuid", child.uuid == ISOBMFFParser.canonUUID {
                        for item in try session.children(of: child, depth: 2) where item.type == "THMB" {
                            try addCanonBoxJPEG(item, sizeAt: 8, search, "CR3 THMB")
                        }
                    } else if child.type == "trak", tracks < maxTracks {
                        tracks += 1
                        try tolerant { () throws(MediaCoreError) in try searchTrack(child, session, search, "CR3 track \(tracks)") }
                    }
                }
            } else if box.type == "uuid", box.uuid == canonPreviewUUID {
                // 8 bytes, then the PRVW box.
                for item in try session.children(of: box, depth: 1, skip: 8) where item.type == "PRVW" {
                    try addCanonBoxJPEG(item, sizeAt: 12, search, "CR3 PRVW")
                }
            }
        }
    }

    /// THMB and PRVW: the JPEG starts 16 bytes into the payload, its length is the 32-bit
    /// big-endian integer at `sizeAt`; a length the box cannot hold means "to the end of the box".
    static func addCanonBoxJPEG(_ box: ISOBMFFParser.Box, sizeAt: Int64, _ search: Search, _ origin: String) throws(MediaCoreError) {
        let start = box.payloadStart + 16
        let available = box.end - start
        guard available > 0 else { return }
        let declared = BinaryReader(try search.source.read(at: box.payloadStart + sizeAt, count: 4), bigEndian: true).u32(0)
        let length = declared.map(Int64.init).flatMap { $0 > 0 && $0 <= available ? $0 : nil } ?? available
        try search.add(offset: start, length: length, origin)
    }

    /// The first sample of a track: `trak/mdia/minf/stbl`, its offset from `co64`/`stco`, its
    /// size from `stsz`.
    static func searchTrack(_ trak: ISOBMFFParser.Box, _ session: ISOBMFFParser.Session, _ search: Search,
                            _ origin: String) throws(MediaCoreError) {
        guard let mdia = try session.children(of: trak, depth: 2).first(where: { $0.type == "mdia" }),
              let minf = try session.children(of: mdia, depth: 3).first(where: { $0.type == "minf" }),
              let stbl = try session.children(of: minf, depth: 4).first(where: { $0.type == "stbl" }) else { return }
        let tables = try session.children(of: stbl, depth: 5)
        guard let stsz = tables.first(where: { $0.type == "stsz" }),
              let chunks = tables.first(where: { $0.type == "co64" || $0.type == "stco" }) else { return }
        // stsz: version/flags, sample size (0: sizes follow), sample count, sizes.
        let sizes = BinaryReader(try search.source.read(at: stsz.payloadStart, count: 16), bigEndian: true)
        guard let count = sizes.u32(8), count > 0, let fixed = sizes.u32(4) else { return }
        let size = fixed != 0 ? fixed : sizes.u32(12)
        // co64/stco: version/flags, entry count, offsets.
        let offsets = BinaryReader(try search.source.read(at: chunks.payloadStart, count: 16), bigEndian: true)
        guard let entries = offsets.u32(4), entries > 0 else { return }
        let offset = chunks.type == "co64" ? offsets.u64(8) : offsets.u32(8).map(UInt64.init)
        try search.add(offset: int64(offset), length: size.map(Int64.init), origin)
    }

    // MARK: - RAF, CRW

    /// RAF: the header names the JPEG at offset 84 (32-bit big-endian offset, then length).
    static func searchRAF(_ search: Search) throws(MediaCoreError) {
        let r = BinaryReader(try search.source.read(at: 84, count: 8), bigEndian: true)
        try search.add(offset: r.u32(0).map(Int64.init), length: r.u32(4).map(Int64.init), "RAF header")
    }

    /// CRW (CIFF): JpgFromRaw (0x2007) and ThumbnailImage (0x2008) records anywhere in the heaps.
    static func searchCRW(_ search: Search) throws(MediaCoreError) {
        let header = try search.source.read(at: 0, count: 14)
        guard header.count == 14 else { return }
        let bigEndian = header[0] == 0x4D
        let headerLength = Int64(BinaryReader(header, bigEndian: bigEndian).u32(2) ?? 0)
        guard headerLength >= 14, headerLength < search.source.size else { return }
        var budget = 2000
        try walkHeap(search, start: headerLength, length: search.source.size - headerLength, bigEndian: bigEndian,
                     depth: 0, budget: &budget)
    }

    /// One CIFF heap: its record table is at the offset stored in its last 4 bytes.
    static func walkHeap(_ search: Search, start: Int64, length: Int64, bigEndian: Bool, depth: Int,
                         budget: inout Int) throws(MediaCoreError) {
        let source = search.source
        guard depth < 8, length >= 6 else { return }
        let tail = try source.read(at: start + length - 4, count: 4)
        guard let tableOffset = BinaryReader(tail, bigEndian: bigEndian).u32(0).map(Int64.init), tableOffset < length - 4,
              let count = BinaryReader(try source.read(at: start + tableOffset, count: 2), bigEndian: bigEndian).u16(0) else { return }
        // No more records than the budget has left: a hostile count costs no large read.
        let table = try source.read(at: start + tableOffset + 2, count: min(Int(count), max(budget, 0)) * 10)
        let r = BinaryReader(table, bigEndian: bigEndian)
        for i in 0..<(table.count / 10) {
            budget -= 1
            guard budget > 0, let tag = r.u16(i * 10), let size = r.u32(i * 10 + 2), let offset = r.u32(i * 10 + 6) else { return }
            // Records whose data is in the heap (not in the table entry) and fits in it.
            guard tag & 0xC000 == 0, Int64(offset) + Int64(size) <= length else { continue }
            let kind = tag & 0x3800
            if kind == 0x2800 || kind == 0x3000 {
                try walkHeap(search, start: start + Int64(offset), length: Int64(size), bigEndian: bigEndian,
                             depth: depth + 1, budget: &budget)
            } else if tag & 0x3FFF == 0x2007 || tag & 0x3FFF == 0x2008 {
                try search.add(offset: start + Int64(offset), length: Int64(size), tag & 0x3FFF == 0x2007 ? "CRW JpgFromRaw" : "CRW ThumbnailImage")
            }
        }
    }
}
