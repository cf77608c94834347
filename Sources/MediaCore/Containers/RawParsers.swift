import Foundation

/// Canon CRW (CIFF): a tree of heaps whose records hold make and model, image size, the
/// capture time, the focal length, and the aperture and shutter speed of the shot.
enum CRWParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let header = try source.readExactly(at: 0, count: 14, "CRW header")
        let bigEndian = header[0] == 0x4D
        let headerLength = Int64(BinaryReader(header, bigEndian: bigEndian).u32(2) ?? 0)
        guard headerLength >= 14, headerLength < source.size else {
            throw MediaCoreError(.corrupt, "CRW header length \(headerLength) is invalid")
        }
        var budget = 2000
        walkHeap(source, start: headerLength, length: source.size - headerLength, bigEndian: bigEndian,
                 depth: 0, budget: &budget, into: &scan)
    }

    private static func walkHeap(_ source: any ByteSource, start: Int64, length: Int64, bigEndian: Bool,
                                 depth: Int, budget: inout Int, into scan: inout ContainerScan) {
        guard depth < 8, length >= 6, let tail = try? source.read(at: start + length - 4, count: 4), tail.count == 4 else { return }
        let tableOffset = Int64(BinaryReader(tail, bigEndian: bigEndian).u32(0) ?? 0)
        guard tableOffset < length - 4, let countBytes = try? source.read(at: start + tableOffset, count: 2),
              let count = BinaryReader(countBytes, bigEndian: bigEndian).u16(0) else {
            scan.warnings.append("CRW heap at offset \(start) has an invalid record table")
            return
        }
        guard let table = try? source.read(at: start + tableOffset + 2, count: Int(count) * 10) else { return }
        let r = BinaryReader(table, bigEndian: bigEndian)
        for i in 0..<(table.count / 10) {
            budget -= 1
            guard budget > 0, let tag = r.u16(i * 10), let size = r.u32(i * 10 + 2), let offset = r.u32(i * 10 + 6) else { return }
            let inRecord = tag & 0xC000 == 0x4000
            let data: [UInt8]
            if inRecord {
                data = r.slice(i * 10 + 2, 8) ?? []
            } else {
                guard Int64(offset) + Int64(size) <= length else { continue }
                let kind = tag & 0x3800
                if kind == 0x2800 || kind == 0x3000 {  // a sub-heap
                    walkHeap(source, start: start + Int64(offset), length: Int64(size), bigEndian: bigEndian,
                             depth: depth + 1, budget: &budget, into: &scan)
                    continue
                }
                guard size <= 4096, let bytes = try? source.read(at: start + Int64(offset), count: Int(size)) else { continue }
                data = bytes
            }
            record(tag & 0x3FFF, data, bigEndian: bigEndian, into: &scan)
        }
    }

    private static func record(_ id: UInt16, _ data: [UInt8], bigEndian: Bool, into scan: inout ContainerScan) {
        let r = BinaryReader(data, bigEndian: bigEndian)
        switch id {
        case 0x080A:  // CanonRawMakeModel: "Canon\0Canon EOS ...\0"
            let parts = data.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
            if let make = parts.first { scan.native.make = make.trimmedSpacesAndNULs(); scan.native.sources[.make] = "MakerNotes:Make" }
            if parts.count > 1 { scan.native.model = parts[1].trimmedSpacesAndNULs(); scan.native.sources[.model] = "MakerNotes:Model" }
        case 0x1810:  // ImageInfo: width, height (u32), pixel aspect ratio, rotation
            if let w = r.u32(0), let h = r.u32(4), w > 0, h > 0, w < 1 << 20, h < 1 << 20 {
                scan.pixelWidth = Int(w)
                scan.pixelHeight = Int(h)
            }
        case 0x180E:  // TimeStamp: local time as seconds since 1970
            if let seconds = r.u32(0), seconds > 0 {
                scan.native.dateTimeOriginal = LocalDateTime(secondsSinceEpoch: Double(seconds), offsetSeconds: 0)
                scan.native.sources[.capturedAt] = "MakerNotes:DateTimeOriginal"
            }
        case 0x1029:  // FocalLength: type, focal length (mm), sensor size
            if let f = r.u16(2), f > 0 { scan.native.focalLength = Double(f); scan.native.sources[.focalLength] = "MakerNotes:FocalLength" }
        case 0x102A:  // CanonShotInfo: int16s, the aperture at index 21 and the shutter at 22, in Canon EV
            if let a = r.u16(42).map({ Int16(bitPattern: $0) }), a != 0 {
                scan.native.fNumber = exp2(canonEV(a) / 2)
                scan.native.sources[.fNumber] = "MakerNotes:FNumber"
            }
            if let t = r.u16(44).map({ Int16(bitPattern: $0) }), t != 0 {
                scan.native.exposureTime = exp2(-canonEV(t))
                scan.native.sources[.exposureTime] = "MakerNotes:ExposureTime"
            }
        default:
            break
        }
    }

    /// Canon's EV encoding: whole stops in units of 32, with the fractions 0x0C and 0x14 standing
    /// for 1/3 and 2/3 of a stop.
    static func canonEV(_ value: Int16) -> Double {
        let magnitude = abs(Int(value))
        var fraction = Double(magnitude & 0x1F)
        if fraction == 0x0C { fraction = 32.0 / 3 } else if fraction == 0x14 { fraction = 64.0 / 3 }
        let ev = (Double(magnitude & ~0x1F) + fraction) / 32
        return value < 0 ? -ev : ev
    }
}

/// Sigma X3F: the image size from the file header (properties are not read).
enum X3FParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let h = try source.readExactly(at: 0, count: 40, "X3F header")
        let r = BinaryReader(h, bigEndian: false)
        if let w = r.u32(0x1C), let ht = r.u32(0x20), w > 0, ht > 0, w < 1 << 20, ht < 1 << 20 {
            scan.pixelWidth = Int(w)
            scan.pixelHeight = Int(ht)
        }
    }
}
