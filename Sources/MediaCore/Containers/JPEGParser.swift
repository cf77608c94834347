/// JPEG: walks the marker segments up to the start of scan, collecting the EXIF (APP1),
/// XMP (APP1) payloads and the frame size (SOFn).
enum JPEGParser {
    static let xmpSignature = Array("http://ns.adobe.com/xap/1.0/\0".utf8)

    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        var offset: Int64 = 2
        var sawSOS = false
        var segments = 0
        var widthAwaitingDNL: Int?
        while offset + 4 <= source.size, segments < 4096 {
            segments += 1
            let head = try source.read(at: offset, count: 4)
            guard head.count == 4 else { break }
            guard head[0] == 0xFF else {
                scan.warnings.append("JPEG marker expected at offset \(offset), found 0x\(String(head[0], radix: 16))")
                break
            }
            let marker = head[1]
            if marker == 0xFF { offset += 1; continue }                   // fill byte
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) { offset += 2; continue }
            if marker == 0xD9 { break }                                     // EOI
            let length = Int(head[2]) << 8 | Int(head[3])
            guard length >= 2 else {
                scan.warnings.append("JPEG segment 0x\(String(marker, radix: 16)) at offset \(offset) has length \(length)")
                break
            }
            let payloadOffset = offset + 4
            let payloadLength = length - 2
            if marker == 0xDA { sawSOS = true; break }
            if payloadOffset + Int64(payloadLength) > source.size {
                scan.warnings.append("JPEG segment 0x\(String(marker, radix: 16)) at offset \(offset) runs past the end of the file")
            }
            switch marker {
            case 0xE1:
                let payload = try source.read(at: payloadOffset, count: payloadLength)
                collectAPP1(payload, into: &scan)
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                if scan.pixelWidth == nil {
                    let sof = try source.read(at: payloadOffset, count: 5)
                    if sof.count == 5 {
                        let h = Int(sof[1]) << 8 | Int(sof[2]), w = Int(sof[3]) << 8 | Int(sof[4])
                        if w > 0, h > 0 { scan.pixelWidth = w; scan.pixelHeight = h }
                        if w > 0, h == 0 { widthAwaitingDNL = w }  // height given by a DNL marker after the first scan
                    }
                }
            default:
                break
            }
            offset = payloadOffset + Int64(payloadLength)
        }
        if !sawSOS {
            scan.warnings.append("JPEG has no image data (no start of scan)")
        } else if let w = widthAwaitingDNL {
            if let h = try numberOfLines(source, after: offset), h > 0 {
                scan.pixelWidth = w
                scan.pixelHeight = h
            } else {
                scan.warnings.append("JPEG frame height is left to a DNL marker that was not found")
            }
        }
    }

    /// The height from a DNL (define number of lines) marker, which follows the first scan when
    /// the frame header says height 0. Entropy-coded data never holds `FF DC` (0xFF is stuffed
    /// as `FF 00`), so the first `FF DC 00 04` is the marker. Only the last 64 KiB are searched:
    /// the marker ends the first scan, and files using it are single-scan sequential JPEGs.
    static func numberOfLines(_ source: any ByteSource, after scanStart: Int64) throws(MediaCoreError) -> Int? {
        let start = max(scanStart, source.size - 64 * 1024)
        let tail = try source.read(at: start, count: Int(source.size - start))
        guard tail.count >= 6 else { return nil }
        for i in 0..<(tail.count - 5) where tail[i] == 0xFF && tail[i + 1] == 0xDC && tail[i + 2] == 0 && tail[i + 3] == 4 {
            return Int(tail[i + 4]) << 8 | Int(tail[i + 5])
        }
        return nil
    }

    static func collectAPP1(_ payload: [UInt8], into scan: inout ContainerScan) {
        if payload.count > 6, payload[0] == 0x45, payload[1] == 0x78, payload[2] == 0x69, payload[3] == 0x66 {  // "Exif"
            guard scan.exif.isEmpty else { return }
            // Normally "Exif\0\0" then the TIFF header; tolerate a wrong pad by finding the header.
            let searchEnd = min(payload.count - 4, 16)
            var start: Int?
            for i in 4..<max(4, searchEnd) {
                let b = payload[i...]
                if b.starts(with: [0x49, 0x49, 0x2A, 0x00]) || b.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { start = i; break }
            }
            if let start {
                if start != 6 { scan.warnings.append("improper EXIF header in APP1") }
                scan.exif.append(Array(payload[start...]))
            } else {
                scan.warnings.append("APP1 EXIF segment has no TIFF header")
            }
        } else if payload.starts(with: xmpSignature) {
            scan.xmp.append(Array(payload[xmpSignature.count...]))
        }
    }
}
