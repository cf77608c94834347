/// BMP: the size from the DIB header.
enum BMPParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let h = try source.readExactly(at: 0, count: 26, "BMP header")
        let r = BinaryReader(h, bigEndian: false)
        if r.u32(14) == 12 {
            scan.pixelWidth = Int(r.u16(18) ?? 0)
            scan.pixelHeight = Int(r.u16(20) ?? 0)
        } else {
            scan.pixelWidth = Int(Int32(bitPattern: r.u32(18) ?? 0))
            scan.pixelHeight = abs(Int(Int32(bitPattern: r.u32(22) ?? 0)))
        }
    }
}

/// AVI (RIFF): size and duration from the main header (`avih`) and the video stream header (`strh`).
enum RIFFParser {
    static func scanAVI(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        // The header list sits at the front; 64 KiB covers it in practice.
        let head = try source.read(at: 0, count: 64 * 1024)
        let r = BinaryReader(head, bigEndian: false)
        guard let avih = find("avih", in: head) else {
            throw MediaCoreError(.corrupt, "AVI has no main header (avih)")
        }
        let usPerFrame = Double(r.u32(avih) ?? 0)
        let totalFrames = Double(r.u32(avih + 16) ?? 0)
        scan.pixelWidth = Int(r.u32(avih + 32) ?? 0)
        scan.pixelHeight = Int(r.u32(avih + 36) ?? 0)
        // strh of the video stream: fccType 'vids', dwScale at 20, dwRate at 24, dwLength at 32.
        if let strh = find("strh", in: head), r.fourCC(strh) == "vids",
           let scale = r.u32(strh + 20), let rate = r.u32(strh + 24), let length = r.u32(strh + 32), rate > 0 {
            scan.duration = Double(length) * Double(scale) / Double(rate)
        } else if usPerFrame > 0 {
            scan.duration = totalFrames * usPerFrame / 1_000_000
        }
        if scan.duration != nil { scan.durationSource = "Composite:Duration" }
    }

    /// Offset of the data of the first chunk with id `fourCC` (after its 8-byte header).
    private static func find(_ fourCC: String, in bytes: [UInt8]) -> Int? {
        let needle = Array(fourCC.utf8)
        guard bytes.count >= 8 else { return nil }
        for i in 0..<(bytes.count - 8) where bytes[i] == needle[0] {
            if bytes[i + 1] == needle[1], bytes[i + 2] == needle[2], bytes[i + 3] == needle[3] { return i + 8 }
        }
        return nil
    }
}

/// Fujifilm RAF: the embedded JPEG preview carries the EXIF.
enum RAFParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let h = try source.readExactly(at: 0, count: 0x64, "RAF header")
        let r = BinaryReader(h, bigEndian: true)
        guard let jpegOffset = r.u32(0x54), let jpegLength = r.u32(0x58), jpegLength > 0,
              Int64(jpegOffset) + Int64(jpegLength) <= source.size else {
            throw MediaCoreError(.corrupt, "RAF header points outside the file")
        }
        let jpeg = SubrangeByteSource(source, offset: Int64(jpegOffset), length: Int64(jpegLength))
        var inner = ContainerScan(format: .jpeg)
        try JPEGParser.scan(jpeg, into: &inner)
        scan.exif = inner.exif
        scan.xmp = inner.xmp
        // The RAF directory (at the CFA header offset): records of tag, size, data.
        // 0x111 RawImageCroppedSize is the size of the developed image (height, width).
        if let dirOffset = r.u32(0x5C), let dirLength = r.u32(0x60), dirLength >= 4, dirLength <= 1 << 20,
           let dir = try? source.read(at: Int64(dirOffset), count: Int(dirLength)) {
            let d = BinaryReader(dir, bigEndian: true)
            var at = 4
            for _ in 0..<min(Int(d.u32(0) ?? 0), 256) {
                guard let tag = d.u16(at), let size = d.u16(at + 2) else { break }
                if tag == 0x111, size >= 4, let height = d.u16(at + 4), let width = d.u16(at + 6) {
                    scan.pixelWidth = Int(width)
                    scan.pixelHeight = Int(height)
                }
                at += 4 + Int(size)
            }
        }
    }
}

/// Minolta MRW: the PRD block's image size and the TTW block, a TIFF structure with the EXIF.
enum MRWParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let h = try source.readExactly(at: 0, count: 8, "MRW header")
        let dataStart = 8 + Int64(BinaryReader(h, bigEndian: true).u32(4) ?? 0)
        var offset: Int64 = 8
        var blocks = 0
        while offset + 8 <= min(dataStart, source.size), blocks < 64 {
            blocks += 1
            let b = try source.readExactly(at: offset, count: 8, "MRW block")
            let r = BinaryReader(b, bigEndian: true)
            let id = String(decoding: b[1..<4], as: UTF8.self)
            let length = Int64(r.u32(4) ?? 0)
            switch id {
            case "PRD":
                let d = BinaryReader(try source.readExactly(at: offset + 8, count: 16, "MRW PRD block"), bigEndian: true)
                if let height = d.u16(12), let width = d.u16(14) {
                    scan.pixelWidth = Int(width)
                    scan.pixelHeight = Int(height)
                }
            case "TTW":
                let tiff = try TIFFStructure(SubrangeByteSource(source, offset: offset + 8, length: length))
                try TIFFParser.scanStructure(tiff, into: &scan, refineFormat: false)
            default:
                break
            }
            offset += 8 + length
        }
    }
}

/// A window onto part of another source (an embedded JPEG, a TIFF block).
final class SubrangeByteSource: ByteSource {
    let base: any ByteSource
    let offset: Int64
    let size: Int64

    init(_ base: any ByteSource, offset: Int64, length: Int64) {
        self.base = base
        self.offset = offset
        self.size = max(0, min(length, base.size - offset))
    }

    func read(at position: Int64, count: Int) throws(MediaCoreError) -> [UInt8] {
        guard position >= 0, position < size, count > 0 else { return [] }
        return try base.read(at: offset + position, count: Int(min(Int64(count), size - position)))
    }
}
