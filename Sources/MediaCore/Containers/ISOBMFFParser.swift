/// ISO base media file format: HEIF/HEIC/AVIF, Canon CR3, QuickTime/MP4/M4V/3GP, and the
/// box-structured JPEG 2000 and JPEG XL containers.
///
/// The parser walks box headers with small reads and loads only the few small boxes that hold
/// metadata (`meta`, `moov` children, `uuid` XMP...); media data (`mdat`, `jp2c`, `jxlc`) is
/// never read. Every size in the file is checked against its parent, nesting is bounded by
/// `maxDepth`, the number of boxes by `maxBoxes`, and any single read by `maxRead`, so damaged
/// or hostile files end in warnings rather than loops, crashes or large allocations.
///
/// What goes where:
/// - HEIF (`meta` with `pict` handler): primary item's `ispe` → pixel size, its `irot` →
///   clockwise `rotation` (irot's `angle × 90` is anti-clockwise; that value, which exiftool
///   reports as `QuickTime:Rotation`, is kept as the raw tag), the `Exif`
///   item → `exif`, the `application/rdf+xml` item → `xmp`.
/// - QuickTime/MP4 (`moov`): `mvhd` → duration and `quickTime.createDate`; the first video
///   track's `tkhd` → pixel size and clockwise rotation from its matrix; `udta` `©xyz`, `©mak`,
///   `©mod`, `XMP_` and Apple `mdta` keys → `quickTime` fields and `xmp`.
/// - CR3: the Canon `uuid` box's CMT1 (IFD0), CMT2 (Exif IFD) and CMT4 (GPS IFD) are merged
///   into one TIFF for the EXIF decoder.
/// - JPEG 2000: `ihdr` size, the `JpgTiffExif->JP2` box; JPEG XL: `Exif` and `xml ` boxes.
enum ISOBMFFParser {
    /// Deepest nesting followed (top-level boxes are depth 0).
    static let maxDepth = 8
    /// Most boxes looked at in one file.
    static let maxBoxes = 10_000
    /// Largest single read (metadata boxes and items are far smaller).
    static let maxRead = 16 * 1024 * 1024

    /// `uuid` of the XMP box (MP4, CR3, JPEG 2000).
    static let xmpUUID: [UInt8] = [0xBE, 0x7A, 0xCF, 0xCB, 0x97, 0xA9, 0x42, 0xE8,
                                   0x9C, 0x71, 0x99, 0x94, 0x91, 0xE3, 0xAF, 0xAC]
    /// `uuid` of Canon's CR3 metadata box inside `moov`.
    static let canonUUID: [UInt8] = [0x85, 0xC0, 0xB6, 0x87, 0x82, 0x0F, 0x11, 0xE0,
                                     0x81, 0x11, 0xF4, 0xCE, 0x46, 0x2B, 0x6A, 0x48]
    /// `uuid` of the EXIF box of JPEG 2000 files ("JpgTiffExif->JP2").
    static let jp2ExifUUID: [UInt8] = Array("JpgTiffExif->JP2".utf8)

    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let session = Session(source: source, scan: scan)
        defer { scan = session.scan }
        guard source.size >= 8 else {
            throw MediaCoreError(.truncated, "the file is too short (\(source.size) bytes) for an ISO base media box")
        }
        let top = try session.children(from: 0, to: source.size, depth: 0, parent: "file")
        guard !top.isEmpty else {
            throw MediaCoreError(.corrupt, "the first box of the file is invalid")
        }
        for box in top {
            switch box.type {
            case "ftyp":
                try readFileType(box, session)
            case "meta":
                try readHEIFMeta(box, session, depth: 1)
            case "moov":
                try readMovie(box, session, depth: 1)
            case "uuid":
                try readTopLevelUUID(box, session)
            case "jp2h":
                try readJP2Header(box, session, depth: 1)
            case "Exif":
                // JPEG XL: 4-byte offset to the TIFF header, then the TIFF structure.
                if let data = try session.payload(box) {
                    appendExif(data, session, what: "box 'Exif'")
                }
            case "xml ":
                if let data = try session.payload(box), looksLikeXMP(data) {
                    session.scan.xmp.append(trimmedXMP(data))
                }
            default:
                break
            }
        }
    }

    // MARK: - Boxes

    /// A box header: where the box is and how big it is, already clamped to its parent.
    struct Box {
        /// The four-character type, each byte as one Latin-1 character (`©xyz` spelled as such).
        var type: String
        /// The four type bytes as a big-endian integer (QuickTime `ilst` items use it as an index).
        var code: UInt32
        /// Offset of the first byte of the box in the source.
        var start: Int64
        /// Bytes of header, including the 64-bit size and the 16-byte `uuid` extended type.
        var headerSize: Int64
        /// Total size, header included.
        var size: Int64
        /// The extended type of `uuid` boxes.
        var uuid: [UInt8]?

        var payloadStart: Int64 { start + headerSize }
        var payloadSize: Int64 { size - headerSize }
        var end: Int64 { start + size }
    }

    /// The state of one scan: the source, the scan being filled, and the budgets.
    final class Session {
        let source: any ByteSource
        var scan: ContainerScan
        var boxCount = 0
        private var limitReported = false
        private var depthReported = false

        init(source: any ByteSource, scan: ContainerScan) {
            self.source = source
            self.scan = scan
        }

        /// Adds a warning once (the same damage is often met several times).
        func warn(_ message: String) {
            guard scan.warnings.count < 64, !scan.warnings.contains(message) else { return }
            scan.warnings.append(message)
        }

        /// The boxes between `start` and `end` (a parent's payload, or the whole file).
        ///
        /// Stops at the first header that cannot be valid; a box claiming more than what is
        /// left of its parent is clamped to it, with a warning.
        func children(from start: Int64, to end: Int64, depth: Int, parent: String) throws(MediaCoreError) -> [Box] {
            guard depth <= ISOBMFFParser.maxDepth else {
                if !depthReported {
                    depthReported = true
                    warn("boxes nested deeper than \(ISOBMFFParser.maxDepth) levels (in '\(parent)') are ignored")
                }
                return []
            }
            let end = min(end, source.size)
            var boxes: [Box] = []
            var offset = max(start, 0)
            while offset < end {
                let remaining = end - offset
                if remaining < 8 {
                    // QuickTime ends some atom lists with a 32-bit zero; other tails are damage.
                    let tail = try source.read(at: offset, count: Int(remaining))
                    if tail.contains(where: { $0 != 0 }) {
                        warn("\(remaining) stray bytes at the end of '\(parent)'")
                    }
                    break
                }
                guard boxCount < ISOBMFFParser.maxBoxes else {
                    if !limitReported {
                        limitReported = true
                        warn("more than \(ISOBMFFParser.maxBoxes) boxes; the rest of the file is ignored")
                    }
                    break
                }
                let header = try source.read(at: offset, count: Int(min(remaining, 32)))
                guard header.count >= 8 else {
                    warn("box header at offset \(offset) in '\(parent)' is truncated")
                    break
                }
                let r = BinaryReader(header, bigEndian: true)
                let size32 = r.u32(0) ?? 0
                let code = r.u32(4) ?? 0
                let type = ISOBMFFParser.typeName(header[4..<8])
                let shown = ISOBMFFParser.printable(type)
                if size32 == 0 && code == 0 { break }  // zero padding
                var headerSize: Int64 = 8
                var size: Int64
                switch size32 {
                case 0:
                    size = remaining
                case 1:
                    guard let large = r.u64(8) else {
                        warn("box '\(shown)' at offset \(offset) is truncated")
                        return boxes
                    }
                    headerSize = 16
                    guard large >= 16 else {
                        warn("box '\(shown)' at offset \(offset) has an invalid size (\(large))")
                        return boxes
                    }
                    if large > UInt64(remaining) {
                        warn("box '\(shown)' at offset \(offset) claims \(large) bytes but only \(remaining) remain in '\(parent)'; it is truncated")
                        size = remaining
                    } else {
                        size = Int64(large)
                    }
                case 2..<8:
                    warn("box '\(shown)' at offset \(offset) has an invalid size (\(size32))")
                    return boxes
                default:
                    size = Int64(size32)
                    if size > remaining {
                        warn("box '\(shown)' at offset \(offset) claims \(size32) bytes but only \(remaining) remain in '\(parent)'; it is truncated")
                        size = remaining
                    }
                }
                var uuid: [UInt8]?
                if type == "uuid" {
                    let at = Int(headerSize)
                    if size >= headerSize + 16, let u = r.slice(at, 16) {
                        uuid = u
                        headerSize += 16
                    }
                }
                guard size >= headerSize else {
                    warn("box '\(shown)' at offset \(offset) is truncated")
                    return boxes
                }
                boxCount += 1
                boxes.append(Box(type: type, code: code, start: offset, headerSize: headerSize, size: size, uuid: uuid))
                offset += size
            }
            return boxes
        }

        /// The children of a container box.
        func children(of box: Box, depth: Int, skip: Int64 = 0) throws(MediaCoreError) -> [Box] {
            let start = box.payloadStart + skip
            guard start <= box.end else {
                warn("box '\(box.type)' at offset \(box.start) is truncated")
                return []
            }
            return try children(from: start, to: box.end, depth: depth, parent: ISOBMFFParser.printable(box.type))
        }

        /// The payload of a box (after its header), or `nil` when larger than `limit`.
        func payload(_ box: Box, limit: Int = ISOBMFFParser.maxRead) throws(MediaCoreError) -> [UInt8]? {
            let size = box.payloadSize
            guard size >= 0 else { return nil }
            guard size <= Int64(limit) else {
                warn("box '\(box.type)' at offset \(box.start) is too large (\(size) bytes) to be read as metadata")
                return nil
            }
            let bytes = try source.read(at: box.payloadStart, count: Int(size))
            if Int64(bytes.count) < size {
                warn("box '\(box.type)' at offset \(box.start) is truncated")
            }
            return bytes
        }

        /// Appends a raw tag of the `QuickTime` group.
        func rawTag(_ name: String, _ value: String) {
            guard scan.quickTime.rawTags.count < 256 else { return }
            scan.quickTime.rawTags.append(RawTag(group: "QuickTime", name: name, value: value))
        }
    }

    static func typeName(_ bytes: ArraySlice<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// A box type for messages: as is when printable, else in hexadecimal.
    static func printable(_ type: String) -> String {
        let printable = type.unicodeScalars.allSatisfy { ($0.value >= 0x20 && $0.value < 0x7F) || $0.value == 0xA9 }
        if printable { return type }
        return "0x" + type.unicodeScalars.map { v in
            let h = String(v.value, radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
    }

    /// Where the children of a `meta` box begin: ISO `meta` is a full box (4 bytes of
    /// version and flags first), QuickTime's is not.
    static func metaChildrenSkip(_ meta: Box, _ session: Session) throws(MediaCoreError) -> Int64 {
        let head = try session.source.read(at: meta.payloadStart, count: 8)
        guard head.count == 8 else { return 4 }
        let second = typeName(head[4..<8])
        let first = typeName(head[0..<4])
        if ["hdlr", "keys", "ilst", "mhdr"].contains(second) && first != "hdlr" { return 0 }
        return 4
    }

    // MARK: - ftyp

    static func readFileType(_ box: Box, _ session: Session) throws(MediaCoreError) {
        guard let data = try session.payload(box, limit: 4096), data.count >= 4 else { return }
        let brand = typeName(data[0..<4])
        session.rawTag("MajorBrand", brand.trimmedSpacesAndNULs())
    }

    // MARK: - HEIF

    /// One item of a HEIF `meta` box.
    struct Item {
        var type = ""
        var contentType = ""
        var hidden = false
    }

    /// Where an item's data lives (`iloc`).
    struct Location {
        var method = 0
        var baseOffset: UInt64 = 0
        var extents: [(offset: UInt64, length: UInt64)] = []
    }

    /// Reads a HEIF `meta` box: items, their locations and properties.
    static func readHEIFMeta(_ meta: Box, _ session: Session, depth: Int) throws(MediaCoreError) {
        let skip = try metaChildrenSkip(meta, session)
        let children = try session.children(of: meta, depth: depth, skip: skip)
        var handler = ""
        var primary: UInt32?
        var items: [UInt32: Item] = [:]
        var itemOrder: [UInt32] = []
        var locations: [UInt32: Location] = [:]
        var properties: [Box] = []
        var associations: [UInt32: [Int]] = [:]
        var contentDescribes: [UInt32: [UInt32]] = [:]  // cdsc: metadata item → described items
        var idat: Box?

        for child in children {
            switch child.type {
            case "hdlr":
                if let p = try session.payload(child, limit: 4096), p.count >= 12 {
                    handler = typeName(p[8..<12])
                }
            case "pitm":
                guard let p = try session.payload(child, limit: 64) else { break }
                let r = BinaryReader(p, bigEndian: true)
                primary = (p.first ?? 0) == 0 ? r.u16(4).map(UInt32.init) : r.u32(4)
                if primary == nil { session.warn("box 'pitm' is truncated") }
            case "iinf":
                try readItemInfo(child, session, depth: depth + 1, items: &items, order: &itemOrder)
            case "iloc":
                if let p = try session.payload(child) {
                    locations = readItemLocations(p, session)
                }
            case "iprp":
                for sub in try session.children(of: child, depth: depth + 1) {
                    if sub.type == "ipco" {
                        properties = try session.children(of: sub, depth: depth + 2)
                    } else if sub.type == "ipma", let p = try session.payload(sub) {
                        readAssociations(p, session, into: &associations)
                    }
                }
            case "iref":
                if let p = try session.payload(child) {
                    contentDescribes = readContentDescribes(p)
                }
            case "idat":
                idat = child
            default:
                break
            }
        }
        if !handler.isEmpty { session.rawTag("HandlerType", handler) }
        if handler != "pict" && items.isEmpty { return }

        if primary == nil {
            session.warn("HEIF file has no primary item ('pitm')")
            primary = itemOrder.first { id in
                let t = items[id]?.type ?? ""
                return !(items[id]?.hidden ?? false) && ["hvc1", "av01", "grid", "jpeg", "iovl", "iden"].contains(t)
            }
        }
        if let primary {
            session.rawTag("PrimaryItemReference", String(primary))
            try readPrimaryProperties(primary, properties, associations[primary] ?? [], session)
        }

        // Metadata items: EXIF first the one describing the primary item, XMP likewise.
        func ordered(_ ids: [UInt32]) -> [UInt32] {
            guard let primary else { return ids }
            let forPrimary = ids.filter { contentDescribes[$0]?.contains(primary) ?? false }
            return forPrimary.isEmpty ? ids : forPrimary
        }
        let exifItems = ordered(itemOrder.filter { items[$0]?.type == "Exif" })
        let xmpItems = ordered(itemOrder.filter {
            guard let item = items[$0] else { return false }
            return item.type == "mime" && item.contentType.lowercased().hasPrefix("application/rdf+xml")
        })
        if let id = exifItems.first {
            if let loc = locations[id] {
                if let data = try itemData(id, loc, idat: idat, session), !data.isEmpty {
                    appendExif(data, session, what: "Exif item \(id)")
                }
            } else {
                session.warn("Exif item \(id) has no location in 'iloc'")
            }
        }
        if let id = xmpItems.first {
            if let loc = locations[id] {
                if let data = try itemData(id, loc, idat: idat, session), !data.isEmpty {
                    session.scan.xmp.append(trimmedXMP(data))
                }
            } else {
                session.warn("XMP item \(id) has no location in 'iloc'")
            }
        }
    }

    /// `iinf`: the `infe` entries (versions 0–3).
    static func readItemInfo(_ iinf: Box, _ session: Session, depth: Int,
                             items: inout [UInt32: Item], order: inout [UInt32]) throws(MediaCoreError) {
        let head = try session.source.read(at: iinf.payloadStart, count: 1)
        let skip: Int64 = (head.first ?? 0) == 0 ? 6 : 8
        for infe in try session.children(of: iinf, depth: depth, skip: skip) where infe.type == "infe" {
            guard let p = try session.payload(infe, limit: 64 * 1024), p.count >= 4 else {
                session.warn("box 'infe' at offset \(infe.start) is truncated")
                continue
            }
            let r = BinaryReader(p, bigEndian: true)
            let version = p[0]
            let flags = (r.u32(0) ?? 0) & 0xFFFFFF
            var item = Item()
            item.hidden = flags & 1 != 0
            let id: UInt32?
            let nameAt: Int
            switch version {
            case 0, 1:
                // No item type: name, content type, content encoding.
                id = r.u16(4).map(UInt32.init)
                nameAt = 8
                item.contentType = cString(p, from: cString(p, from: nameAt).next).text
            case 2:
                id = r.u16(4).map(UInt32.init)
                item.type = r.fourCC(8) ?? ""
                nameAt = 12
            default:
                id = r.u32(4)
                item.type = r.fourCC(10) ?? ""
                nameAt = 14
            }
            guard let id else {
                session.warn("box 'infe' at offset \(infe.start) is truncated")
                continue
            }
            if version >= 2, item.type == "mime" {
                let name = cString(p, from: nameAt)
                item.contentType = cString(p, from: name.next).text
            }
            if items[id] == nil { order.append(id) }
            items[id] = item
        }
    }

    /// A NUL-terminated string at `from`, and where the next field starts.
    static func cString(_ bytes: [UInt8], from: Int) -> (text: String, next: Int) {
        guard from >= 0, from < bytes.count else { return ("", bytes.count) }
        var end = from
        while end < bytes.count && bytes[end] != 0 { end += 1 }
        return (String(decoding: bytes[from..<end], as: UTF8.self), min(end + 1, bytes.count))
    }

    /// `iloc` (versions 0, 1, 2).
    static func readItemLocations(_ p: [UInt8], _ session: Session) -> [UInt32: Location] {
        var c = Cursor(p)
        var out: [UInt32: Location] = [:]
        guard let version = c.u8(), c.skip(3), let sizes1 = c.u8(), let sizes2 = c.u8() else {
            session.warn("box 'iloc' is truncated")
            return out
        }
        guard version <= 2 else {
            session.warn("box 'iloc' has unknown version \(version)")
            return out
        }
        let offsetSize = Int(sizes1 >> 4), lengthSize = Int(sizes1 & 15)
        let baseSize = Int(sizes2 >> 4), indexSize = version >= 1 ? Int(sizes2 & 15) : 0
        guard [0, 4, 8].contains(offsetSize), [0, 4, 8].contains(lengthSize),
              [0, 4, 8].contains(baseSize), [0, 4, 8].contains(indexSize) else {
            session.warn("box 'iloc' has invalid field sizes")
            return out
        }
        guard let count = version < 2 ? c.u16().map(UInt32.init) : c.u32() else {
            session.warn("box 'iloc' is truncated")
            return out
        }
        var totalExtents = 0
        if count > 65536 { session.warn("box 'iloc' lists \(count) items; only the first 65536 are read") }
        for _ in 0..<min(count, 65536) {
            guard let id = version < 2 ? c.u16().map(UInt32.init) : c.u32() else {
                session.warn("box 'iloc' is truncated")
                break
            }
            var loc = Location()
            if version >= 1 {
                guard let method = c.u16() else { session.warn("box 'iloc' is truncated"); break }
                loc.method = Int(method & 15)
            }
            guard c.u16() != nil, let base = c.uint(baseSize), let extents = c.u16() else {
                session.warn("box 'iloc' is truncated")
                break
            }
            loc.baseOffset = base
            totalExtents += Int(extents)
            guard extents <= 4096, totalExtents <= 65536 else {
                session.warn("box 'iloc' lists too many extents; the rest is ignored")
                break
            }
            var complete = true
            for _ in 0..<extents {
                guard c.uint(indexSize) != nil, let offset = c.uint(offsetSize), let length = c.uint(lengthSize) else {
                    complete = false
                    break
                }
                loc.extents.append((offset, length))
            }
            if !complete {
                session.warn("box 'iloc' is truncated")
                if !loc.extents.isEmpty { out[id] = loc }
                break
            }
            out[id] = loc
        }
        return out
    }

    /// `ipma`: for each item, the 1-based indexes of its properties in `ipco`.
    static func readAssociations(_ p: [UInt8], _ session: Session, into out: inout [UInt32: [Int]]) {
        var c = Cursor(p)
        guard let version = c.u8(), let f1 = c.u8(), let f2 = c.u8(), let f3 = c.u8(), let count = c.u32() else {
            session.warn("box 'ipma' is truncated")
            return
        }
        let wide = (UInt32(f1) << 16 | UInt32(f2) << 8 | UInt32(f3)) & 1 != 0
        if count > 65536 { session.warn("box 'ipma' lists \(count) items; only the first 65536 are read") }
        for _ in 0..<min(count, 65536) {
            guard let id = version < 1 ? c.u16().map(UInt32.init) : c.u32(), let n = c.u8() else {
                session.warn("box 'ipma' is truncated")
                return
            }
            var indexes: [Int] = []
            for _ in 0..<n {
                if wide {
                    guard let v = c.u16() else { session.warn("box 'ipma' is truncated"); out[id, default: []] += indexes; return }
                    indexes.append(Int(v & 0x7FFF))
                } else {
                    guard let v = c.u8() else { session.warn("box 'ipma' is truncated"); out[id, default: []] += indexes; return }
                    indexes.append(Int(v & 0x7F))
                }
            }
            if (out[id]?.count ?? 0) < 1024 { out[id, default: []] += indexes }
        }
    }

    /// `iref`: the `cdsc` ("content describes") references, metadata item → items.
    static func readContentDescribes(_ p: [UInt8]) -> [UInt32: [UInt32]] {
        var out: [UInt32: [UInt32]] = [:]
        guard let version = p.first else { return out }
        let r = BinaryReader(p, bigEndian: true)
        let idSize = version == 0 ? 2 : 4
        var at = 4
        var guardCount = 0
        while at + 8 <= p.count, guardCount < ISOBMFFParser.maxBoxes {
            guardCount += 1
            guard let size = r.u32(at), size >= 8, Int(size) <= p.count - at, let type = r.fourCC(at + 4) else { break }
            let end = at + Int(size)
            if type == "cdsc" {
                var c = Cursor(Array(p[(at + 8)..<end]))
                if let from = c.uint(idSize), let n = c.u16() {
                    for _ in 0..<n {
                        guard let to = c.uint(idSize) else { break }
                        out[UInt32(truncatingIfNeeded: from), default: []].append(UInt32(truncatingIfNeeded: to))
                    }
                }
            }
            at = end
        }
        return out
    }

    /// The primary item's `ispe` and `irot`.
    static func readPrimaryProperties(_ primary: UInt32, _ properties: [Box], _ indexes: [Int],
                                      _ session: Session) throws(MediaCoreError) {
        var foundSize = false
        for index in indexes {
            guard index >= 1, index <= properties.count else {
                if index != 0 { session.warn("item \(primary) refers to missing property \(index)") }
                continue
            }
            let property = properties[index - 1]
            switch property.type {
            case "ispe" where !foundSize:
                guard let p = try session.payload(property, limit: 64) else { break }
                let r = BinaryReader(p, bigEndian: true)
                if let w = r.u32(4), let h = r.u32(8), w > 0, h > 0 {
                    session.scan.pixelWidth = Int(w)
                    session.scan.pixelHeight = Int(h)
                    session.rawTag("ImageSpatialExtent", "\(w) \(h)")
                    foundSize = true
                } else {
                    session.warn("box 'ispe' is truncated")
                }
            case "irot":
                guard let p = try session.payload(property, limit: 64), let angle = p.first else {
                    session.warn("box 'irot' is truncated")
                    break
                }
                // HEIF: angle × 90° anti-clockwise, the value exiftool reports as Rotation (kept as
                // the raw tag); MediaKit's rotation is clockwise, like a video track's matrix.
                let counterClockwise = Int(angle & 3) * 90
                session.scan.rotation = (360 - counterClockwise) % 360
                session.rawTag("Rotation", String(counterClockwise))
            default:
                break
            }
        }
        if !foundSize {
            // Damaged `ipma`: the largest declared size is most likely the primary image's
            // (thumbnails and auxiliary images are smaller).
            var best: (w: UInt32, h: UInt32)?
            for property in properties where property.type == "ispe" {
                guard let p = try session.payload(property, limit: 64) else { continue }
                let r = BinaryReader(p, bigEndian: true)
                if let w = r.u32(4), let h = r.u32(8), w > 0, h > 0,
                   UInt64(w) * UInt64(h) > UInt64(best?.w ?? 0) * UInt64(best?.h ?? 0) {
                    best = (w, h)
                }
            }
            if let best {
                session.warn("the primary item \(primary) has no 'ispe' (image size) property; using the largest image size declared")
                session.scan.pixelWidth = Int(best.w)
                session.scan.pixelHeight = Int(best.h)
                session.rawTag("ImageSpatialExtent", "\(best.w) \(best.h)")
            } else {
                session.warn("the primary item \(primary) has no 'ispe' (image size) property")
            }
        }
    }

    /// Reads and joins an item's extents (construction method 0: file offsets; 1: `idat`).
    static func itemData(_ id: UInt32, _ loc: Location, idat: Box?, _ session: Session) throws(MediaCoreError) -> [UInt8]? {
        var out: [UInt8] = []
        for extent in loc.extents {
            let (relative, o1) = loc.baseOffset.addingReportingOverflow(extent.offset)
            guard !o1 else { session.warn("item \(id) has an invalid location"); return nil }
            let start: Int64
            let limitEnd: Int64
            switch loc.method {
            case 0:
                guard relative < UInt64(session.source.size) else {
                    session.warn("item \(id) lies past the end of the file")
                    return out.isEmpty ? nil : out
                }
                start = Int64(relative)
                limitEnd = session.source.size
            case 1:
                guard let idat else { session.warn("item \(id) refers to a missing 'idat' box"); return nil }
                guard relative < UInt64(idat.payloadSize) else {
                    session.warn("item \(id) lies outside its 'idat' box")
                    return nil
                }
                start = idat.payloadStart + Int64(relative)
                limitEnd = idat.end
            default:
                session.warn("item \(id) uses construction method \(loc.method), which is not supported")
                return nil
            }
            let available = limitEnd - start
            var length = extent.length == 0 ? UInt64(available) : extent.length
            if length > UInt64(available) {
                session.warn("item \(id) runs past the end of the file")
                length = UInt64(available)
            }
            let room = ISOBMFFParser.maxRead - out.count
            guard length <= UInt64(room) else {
                session.warn("item \(id) is too large (\(length) bytes) to be read as metadata")
                return nil
            }
            out += try session.source.read(at: start, count: Int(length))
        }
        return out
    }

    /// Adds an EXIF payload that starts with a 4-byte offset to its TIFF header (HEIF `Exif`
    /// items, JPEG XL `Exif` boxes), or with the TIFF header itself, or `Exif\0\0`.
    static func appendExif(_ data: [UInt8], _ session: Session, what: String) {
        var candidates: [Int] = []
        if let skip = BinaryReader(data, bigEndian: true).u32(0), skip < UInt32(data.count) {
            candidates.append(4 + Int(skip))
        }
        candidates.append(0)
        for at in candidates where isTIFFHeader(data, at) {
            session.scan.exif.append(Array(data[at...]))
            return
        }
        // Tolerate writers that got the offset wrong: look for the header near the start.
        let window = min(data.count, 64)
        for at in 0..<window where isTIFFHeader(data, at) {
            session.warn("\(what): the TIFF header is not where the offset says")
            session.scan.exif.append(Array(data[at...]))
            return
        }
        session.warn("\(what) holds no TIFF header")
    }

    static func isTIFFHeader(_ d: [UInt8], _ at: Int) -> Bool {
        guard at >= 0, at + 8 <= d.count else { return false }
        return (d[at] == 0x49 && d[at + 1] == 0x49 && d[at + 2] == 0x2A && d[at + 3] == 0)
            || (d[at] == 0x4D && d[at + 1] == 0x4D && d[at + 2] == 0 && d[at + 3] == 0x2A)
    }

    // MARK: - uuid, JPEG 2000, XMP

    static func readTopLevelUUID(_ box: Box, _ session: Session) throws(MediaCoreError) {
        guard let uuid = box.uuid else { return }
        if uuid == xmpUUID {
            if let data = try session.payload(box), !data.isEmpty {
                session.scan.xmp.append(trimmedXMP(data))
            }
        } else if uuid == jp2ExifUUID {
            if let data = try session.payload(box) {
                appendExif(data, session, what: "JPEG 2000 EXIF box")
            }
        }
    }

    static func readJP2Header(_ box: Box, _ session: Session, depth: Int) throws(MediaCoreError) {
        for child in try session.children(of: box, depth: depth) where child.type == "ihdr" {
            guard let p = try session.payload(child, limit: 64) else { continue }
            let r = BinaryReader(p, bigEndian: true)
            if let h = r.u32(0), let w = r.u32(4), w > 0, h > 0 {
                session.scan.pixelWidth = Int(w)
                session.scan.pixelHeight = Int(h)
            } else {
                session.warn("box 'ihdr' is truncated")
            }
            break
        }
    }

    /// Whether bytes look like an XMP packet (JPEG 2000 `xml ` boxes may hold other XML).
    static func looksLikeXMP(_ data: [UInt8]) -> Bool {
        let head = String(decoding: data.prefix(4096), as: UTF8.self)
        return head.contains("x:xmpmeta") || head.contains("<?xpacket") || head.contains("rdf:RDF")
    }

    /// XMP without trailing NUL padding.
    static func trimmedXMP(_ data: [UInt8]) -> [UInt8] {
        var end = data.count
        while end > 0 && data[end - 1] == 0 { end -= 1 }
        return Array(data[0..<end])
    }
}

/// A bounds-checked big-endian reading position in a byte array.
struct ISOCursor {
    let reader: BinaryReader
    var position = 0

    init(_ bytes: [UInt8]) { reader = BinaryReader(bytes, bigEndian: true) }

    mutating func u8() -> UInt8? {
        guard let v = reader.u8(position) else { return nil }
        position += 1
        return v
    }

    mutating func u16() -> UInt16? {
        guard let v = reader.u16(position) else { return nil }
        position += 2
        return v
    }

    mutating func u32() -> UInt32? {
        guard let v = reader.u32(position) else { return nil }
        position += 4
        return v
    }

    mutating func u64() -> UInt64? {
        guard let v = reader.u64(position) else { return nil }
        position += 8
        return v
    }

    /// An unsigned integer of 0, 2, 4 or 8 bytes (0 bytes reads as 0).
    mutating func uint(_ size: Int) -> UInt64? {
        switch size {
        case 0: return 0
        case 2: return u16().map(UInt64.init)
        case 4: return u32().map(UInt64.init)
        case 8: return u64()
        default: return nil
        }
    }

    mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, n <= reader.count - position else { return false }
        position += n
        return true
    }
}

extension ISOBMFFParser {
    typealias Cursor = ISOCursor
}
