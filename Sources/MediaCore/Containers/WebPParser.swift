/// WebP (RIFF): canvas size from VP8X/VP8/VP8L, the EXIF and XMP chunks, and the
/// duration of animations (sum of ANMF frame durations).
enum WebPParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let riffEnd = min(source.size, 8 + Int64(BinaryReader(try source.readExactly(at: 4, count: 4, "RIFF size"), bigEndian: false).u32(0) ?? 0))
        var offset: Int64 = 12
        var durationMs = 0
        var frames = 0
        var chunks = 0
        while offset + 8 <= riffEnd, chunks < 100_000 {
            chunks += 1
            let head = try source.read(at: offset, count: 8)
            guard head.count == 8 else { break }
            let r = BinaryReader(head, bigEndian: false)
            let type = r.fourCC(0) ?? ""
            let length = Int64(r.u32(4) ?? 0)
            let dataOffset = offset + 8
            if dataOffset + length > source.size {
                scan.warnings.append("WebP chunk '\(type)' runs past the end of the file")
            }
            switch type {
            case "VP8X":
                let d = BinaryReader(try source.read(at: dataOffset, count: 10), bigEndian: false)
                if let w = u24(d, 4), let h = u24(d, 7) {
                    scan.pixelWidth = w + 1
                    scan.pixelHeight = h + 1
                }
            case "VP8 " where scan.pixelWidth == nil:
                let d = BinaryReader(try source.read(at: dataOffset, count: 10), bigEndian: false)
                if d.u8(3) == 0x9D, d.u8(4) == 0x01, d.u8(5) == 0x2A, let w = d.u16(6), let h = d.u16(8) {
                    scan.pixelWidth = Int(w & 0x3FFF)
                    scan.pixelHeight = Int(h & 0x3FFF)
                }
            case "VP8L" where scan.pixelWidth == nil:
                let d = BinaryReader(try source.read(at: dataOffset, count: 5), bigEndian: false)
                if d.u8(0) == 0x2F, let bits = d.u32(1) {
                    scan.pixelWidth = Int(bits & 0x3FFF) + 1
                    scan.pixelHeight = Int((bits >> 14) & 0x3FFF) + 1
                }
            case "EXIF" where length <= 16 * 1024 * 1024:
                var data = try source.read(at: dataOffset, count: Int(length))
                if data.starts(with: Array("Exif\0\0".utf8)) { data.removeFirst(6) }
                if scan.exif.isEmpty { scan.exif.append(data) }
            case "XMP " where length <= 16 * 1024 * 1024:
                scan.xmp.append(try source.read(at: dataOffset, count: Int(length)))
            case "ANMF":
                let d = BinaryReader(try source.read(at: dataOffset, count: 16), bigEndian: false)
                if let ms = u24(d, 12) { durationMs += ms; frames += 1 }
            default:
                break
            }
            offset = dataOffset + length + (length & 1)
        }
        if frames > 0 {
            scan.duration = Double(durationMs) / 1000
            scan.durationSource = "RIFF:Duration"
        }
    }

    private static func u24(_ r: BinaryReader, _ at: Int) -> Int? {
        guard let a = r.u8(at), let b = r.u8(at + 1), let c = r.u8(at + 2) else { return nil }
        return Int(a) | Int(b) << 8 | Int(c) << 16
    }
}
