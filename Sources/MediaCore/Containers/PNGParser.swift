/// PNG: the IHDR size, the `eXIf` chunk, XMP in `iTXt` (`XML:com.adobe.xmp`), and
/// ImageMagick's hex-encoded EXIF in `tEXt` (`Raw profile type exif`). Pixel data is skipped.
enum PNGParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        var offset: Int64 = 8
        var chunks = 0
        var sawIDAT = false
        while offset + 8 <= source.size, chunks < 100_000 {
            chunks += 1
            let head = try source.read(at: offset, count: 8)
            guard head.count == 8 else { break }
            let r = BinaryReader(head, bigEndian: true)
            let length = Int64(r.u32(0) ?? 0)
            let type = r.fourCC(4) ?? ""
            let dataOffset = offset + 8
            guard length <= 0x7FFF_FFFF, dataOffset + length <= source.size else {
                if chunks == 1 { throw MediaCoreError(.corrupt, "PNG chunk '\(type)' runs past the end of the file") }
                scan.warnings.append("PNG chunk '\(type)' at offset \(offset) runs past the end of the file")
                break
            }
            if chunks == 1 && type != "IHDR" {
                throw MediaCoreError(.corrupt, "PNG does not start with an IHDR chunk")
            }
            switch type {
            case "IHDR":
                let data = try source.readExactly(at: dataOffset, count: 8, "PNG IHDR")
                let d = BinaryReader(data, bigEndian: true)
                scan.pixelWidth = Int(d.u32(0) ?? 0)
                scan.pixelHeight = Int(d.u32(4) ?? 0)
            case "eXIf" where length <= 16 * 1024 * 1024:
                var data = try source.read(at: dataOffset, count: Int(length))
                if data.starts(with: Array("Exif\0\0".utf8)) { data.removeFirst(6) }
                if scan.exif.isEmpty { scan.exif.append(data) }
            case "iTXt" where length <= 16 * 1024 * 1024:
                let data = try source.read(at: dataOffset, count: Int(length))
                if let xmp = xmpFromITXt(data) { scan.xmp.append(xmp) }
            case "tEXt" where length <= 16 * 1024 * 1024:
                let data = try source.read(at: dataOffset, count: Int(length))
                if let exif = exifFromRawProfile(data), scan.exif.isEmpty { scan.exif.append(exif) }
            case "IDAT":
                sawIDAT = true
            case "IEND":
                return
            default:
                break
            }
            offset = dataOffset + length + 4
        }
        if !sawIDAT { scan.warnings.append("PNG has no image data (no IDAT chunk)") }
    }

    /// `iTXt`: keyword NUL, compression flag, method, language NUL, translated keyword NUL, text.
    static func xmpFromITXt(_ data: [UInt8]) -> [UInt8]? {
        guard let k = data.firstIndex(of: 0), String(decoding: data[..<k], as: UTF8.self) == "XML:com.adobe.xmp",
              data.count > k + 3, data[k + 1] == 0 else { return nil }  // compressed XMP is not read
        var i = k + 3
        guard let lang = data[i...].firstIndex(of: 0) else { return nil }
        i = lang + 1
        guard let translated = data[i...].firstIndex(of: 0) else { return nil }
        return Array(data[(translated + 1)...])
    }

    /// ImageMagick's `Raw profile type exif`: "\nexif\n   LENGTH\nHEX..." with an `Exif\0\0` prefix.
    static func exifFromRawProfile(_ data: [UInt8]) -> [UInt8]? {
        guard let k = data.firstIndex(of: 0) else { return nil }
        let keyword = String(decoding: data[..<k], as: UTF8.self)
        guard keyword == "Raw profile type exif" || keyword == "Raw profile type APP1" else { return nil }
        let text = data[(k + 1)...]
        var lines = 0, start = text.startIndex
        for i in text.indices where text[i] == 0x0A {  // skip "\nexif\n   LENGTH\n"
            lines += 1
            if lines == 3 { start = i + 1; break }
        }
        var bytes = HexCoding.decode(text[start...])
        if bytes.starts(with: Array("Exif\0\0".utf8)) { bytes.removeFirst(6) }
        return bytes.count > 8 ? bytes : nil
    }
}
