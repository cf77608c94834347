/// Rewrites the EXIF-relevant IFDs of a TIFF structure as one small classic TIFF.
///
/// libexif reads at most 64 KiB of EXIF data and no BigTIFF, while TIFF, DNG and raw files
/// keep their IFDs anywhere in files of many megabytes. This copies IFD0, the Exif IFD, the
/// GPS IFD and the Interoperability IFD with their values into a compact blob that libexif
/// decodes like a JPEG's APP1 payload. Pixel-data pointers, large arrays and the maker note
/// (whose internal offsets would no longer hold) are left out.
enum EXIFCompactor {
    static let exifPointer: UInt16 = 0x8769
    static let gpsPointer: UInt16 = 0x8825
    static let interopPointer: UInt16 = 0xA005
    /// libexif's own limit on EXIF data, less the 6-byte `Exif\0\0` header.
    static let limit = 0xFFF0
    private static let dropped: Set<UInt16> = [
        0x0111, 0x0117, 0x0144, 0x0145, 0x014A, 0x0201, 0x0202, // strips, tiles, SubIFDs, JPEG pointers
        0x02BC, 0x83BB, 0x8773, 0x8649, 0x927C, 0xC634,         // XMP, IPTC, ICC, Photoshop, MakerNote, DNGPrivateData
        0x0103, 0x0106, 0x0115, 0x011C, 0x0140, 0x0153,          // image layout
    ]

    struct IFD {
        var entries: [(tag: UInt16, type: UInt16, count: UInt32, value: [UInt8])] = []
    }

    /// Builds the compact TIFF from the structure's IFD0 and the sub-IFDs it points to.
    /// - Returns: the blob, or nil when IFD0 cannot be read.
    static func compact(_ tiff: TIFFStructure, warnings: inout [String]) -> [UInt8]? {
        guard let (ifd0Entries, nextIFD) = try? tiff.readIFD(at: tiff.firstIFDOffset, maxValueSize: 8192) else { return nil }
        var ifd0 = convert(ifd0Entries, tiff)
        // IFD0 without an orientation: keep the next image's, as exiftool does.
        if !ifd0Entries.contains(where: { $0.tag == 0x0112 }), nextIFD != 0,
           let (next, _) = try? tiff.readIFD(at: nextIFD, maxValueSize: 0),
           let orientation = next.first(where: { $0.tag == 0x0112 && $0.type == 3 }), let value = orientation.value {
            ifd0.entries.append((0x0112, 3, 1, value))
            ifd0.entries.sort { $0.tag < $1.tag }
        }
        var exif = IFD(), gps = IFD(), interop = IFD()
        if let pointer = ifd0Entries.first(where: { $0.tag == exifPointer }).flatMap({ tiff.integer($0) }) {
            if let (entries, _) = try? tiff.readIFD(at: pointer, maxValueSize: 8192) {
                exif = convert(entries, tiff)
                if let ip = entries.first(where: { $0.tag == interopPointer }).flatMap({ tiff.integer($0) }),
                   let (ie, _) = try? tiff.readIFD(at: ip, maxValueSize: 1024) {
                    interop = convert(ie, tiff)
                }
            } else {
                warnings.append("the Exif IFD at offset \(pointer) cannot be read")
            }
        }
        if let pointer = ifd0Entries.first(where: { $0.tag == gpsPointer }).flatMap({ tiff.integer($0) }) {
            if let (entries, _) = try? tiff.readIFD(at: pointer, maxValueSize: 1024) {
                gps = convert(entries, tiff)
            } else {
                warnings.append("the GPS IFD at offset \(pointer) cannot be read")
            }
        }
        ifd0.entries.removeAll { [exifPointer, gpsPointer].contains($0.tag) }
        exif.entries.removeAll { $0.tag == interopPointer }
        return write(ifd0: ifd0, exif: exif, gps: gps, interop: interop, bigEndian: tiff.bigEndian)
    }

    /// Builds one compact TIFF from separate TIFF structures that each keep their tags in their
    /// own IFD0: CR3's CMT1 (IFD0), CMT2 (Exif IFD) and CMT4 (GPS IFD).
    /// - Returns: the blob and IFD0's image size, or nil when no block could be read.
    static func merge(ifd0: TIFFStructure?, exif: TIFFStructure?, gps: TIFFStructure?,
                      warnings: inout [String]) -> (tiff: [UInt8], width: Int?, height: Int?)? {
        guard let order = (ifd0 ?? exif ?? gps)?.bigEndian else { return nil }
        var parts: [IFD] = []
        var size: (Int?, Int?) = (nil, nil)
        for (name, block) in [("CMT1", ifd0), ("CMT2", exif), ("CMT4", gps)] {
            guard let block else { parts.append(IFD()); continue }
            guard block.bigEndian == order else {
                warnings.append("\(name) is in another byte order than the other blocks and was skipped")
                parts.append(IFD())
                continue
            }
            guard let (entries, _) = try? block.readIFD(at: block.firstIFDOffset, maxValueSize: 8192) else {
                warnings.append("\(name) holds no readable IFD")
                parts.append(IFD())
                continue
            }
            if name == "CMT1" {
                size = (entries.first { $0.tag == 0x0100 }.flatMap { block.integer($0) }.map(Int.init),
                        entries.first { $0.tag == 0x0101 }.flatMap { block.integer($0) }.map(Int.init))
            }
            var ifd = convert(entries, block)
            ifd.entries.removeAll { [exifPointer, gpsPointer, interopPointer].contains($0.tag) }
            parts.append(ifd)
        }
        guard parts.contains(where: { !$0.entries.isEmpty }) else { return nil }
        let tiff = write(ifd0: parts[0], exif: parts[1], gps: parts[2], interop: IFD(), bigEndian: order)
        return (tiff, size.0, size.1)
    }

    /// Keeps entries whose value was loaded, converting BigTIFF's 64-bit types where they fit.
    private static func convert(_ entries: [TIFFStructure.Entry], _ tiff: TIFFStructure) -> IFD {
        var ifd = IFD()
        for e in entries where !dropped.contains(e.tag) {
            if [exifPointer, gpsPointer, interopPointer].contains(e.tag) {
                ifd.entries.append((e.tag, 4, 1, []))  // placeholder, patched on write
                continue
            }
            guard var value = e.value, e.count <= UInt64(UInt32.max) else { continue }
            var type = e.type
            if type == 16 || type == 18 {  // LONG8 / IFD8 → LONG when the values fit
                let values = tiff.integers(e)
                guard values.allSatisfy({ $0 <= UInt64(UInt32.max) }) else { continue }
                value = values.flatMap { bytes(UInt32($0), tiff.bigEndian) }
                type = 4
            } else if type == 17 {
                continue
            }
            ifd.entries.append((e.tag, type, UInt32(e.count), value))
        }
        ifd.entries.sort { $0.tag < $1.tag }
        return ifd
    }

    private static func write(ifd0: IFD, exif: IFD, gps: IFD, interop: IFD, bigEndian: Bool) -> [UInt8] {
        var ifd0 = ifd0, exif = exif
        let hasExif = !exif.entries.isEmpty || !interop.entries.isEmpty
        if hasExif { ifd0.entries.append((exifPointer, 4, 1, [])) }
        if !gps.entries.isEmpty { ifd0.entries.append((gpsPointer, 4, 1, [])) }
        if !interop.entries.isEmpty { exif.entries.append((interopPointer, 4, 1, [])) }
        ifd0.entries.sort { $0.tag < $1.tag }
        exif.entries.sort { $0.tag < $1.tag }
        let ifds = [ifd0, exif, gps, interop]
        func tableSize(_ ifd: IFD) -> Int { ifd.entries.isEmpty ? 0 : 2 + 12 * ifd.entries.count + 4 }
        var offsets: [Int] = []
        var cursor = 8
        for ifd in ifds {
            offsets.append(cursor)
            cursor += tableSize(ifd)
        }
        var out: [UInt8] = bigEndian ? [0x4D, 0x4D, 0x00, 0x2A] : [0x49, 0x49, 0x2A, 0x00]
        out += bytes(UInt32(8), bigEndian)
        var data: [UInt8] = []
        let dataStart = cursor
        for (index, ifd) in ifds.enumerated() where !ifd.entries.isEmpty {
            out += bytes(UInt16(ifd.entries.count), bigEndian)
            for entry in ifd.entries {
                out += bytes(entry.tag, bigEndian)
                out += bytes(entry.type, bigEndian)
                out += bytes(entry.count, bigEndian)
                switch entry.tag {
                case exifPointer where index == 0: out += bytes(UInt32(offsets[1]), bigEndian)
                case gpsPointer where index == 0: out += bytes(UInt32(offsets[2]), bigEndian)
                case interopPointer where index == 1: out += bytes(UInt32(offsets[3]), bigEndian)
                default:
                    if entry.value.count <= 4 {
                        out += entry.value + [UInt8](repeating: 0, count: 4 - entry.value.count)
                    } else if dataStart + data.count + entry.value.count <= limit {
                        out += bytes(UInt32(dataStart + data.count), bigEndian)
                        data += entry.value
                        if data.count % 2 == 1 { data.append(0) }
                    } else {
                        // Out of room: point the entry at nothing rather than overrun.
                        out.removeLast(8)
                        out += bytes(UInt32(0), bigEndian) + bytes(UInt32(0), bigEndian)
                    }
                }
            }
            out += bytes(UInt32(0), bigEndian)
        }
        return out + data
    }

    private static func bytes<T: FixedWidthInteger>(_ v: T, _ bigEndian: Bool) -> [UInt8] {
        let value = bigEndian ? v.bigEndian : v.littleEndian
        return withUnsafeBytes(of: value) { Array($0) }
    }
}
