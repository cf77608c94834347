/// TIFF and TIFF-based raw formats (DNG, CR2, NEF, ARW, ORF, RW2, PEF, IIQ) and BigTIFF.
enum TIFFParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let tiff = try TIFFStructure(source)
        try scanStructure(tiff, into: &scan, refineFormat: true)
    }

    /// Reads a TIFF structure that may start inside a larger file (MRW's TTW block).
    static func scanStructure(_ tiff: TIFFStructure, into scan: inout ContainerScan, refineFormat: Bool) throws(MediaCoreError) {
        let (ifd0, _) = try tiff.readIFD(at: tiff.firstIFDOffset, maxValueSize: 4 * 1024 * 1024)
        func entry(_ tag: UInt16, in entries: [TIFFStructure.Entry]) -> TIFFStructure.Entry? {
            entries.first { $0.tag == tag }
        }
        func size(of entries: [TIFFStructure.Entry]) -> (w: Int, h: Int)? {
            guard let w = entry(0x0100, in: entries).flatMap({ tiff.integer($0) }),
                  let h = entry(0x0101, in: entries).flatMap({ tiff.integer($0) }),
                  w > 0, h > 0, w < 1 << 20, h < 1 << 20 else { return nil }
            return (Int(w), Int(h))
        }

        if refineFormat, scan.format == .tiff {
            let make = entry(0x010F, in: ifd0).flatMap { tiff.string($0) }?.uppercased() ?? ""
            if entry(0xC612, in: ifd0) != nil {
                scan.format = .dng
            } else if make.hasPrefix("NIKON") {
                scan.format = .nef
            } else if make.hasPrefix("SONY") {
                scan.format = .arw
            } else if make.hasPrefix("PENTAX") || make.hasPrefix("ASAHI") {
                scan.format = .pef
            }
        }

        switch scan.format {
        case .rw2:
            // Panasonic: sensor borders in IFD0 (tags 4–7) give the image area.
            let values = (0x0004...0x0007).map { t in entry(UInt16(t), in: ifd0).flatMap { tiff.integer($0) } }
            if let top = values[0], let left = values[1], let bottom = values[2], let right = values[3],
               right > left, bottom > top {
                scan.pixelWidth = Int(right - left)
                scan.pixelHeight = Int(bottom - top)
            }
            // Panasonic keeps the ISO in IFD0 (tag 0x17), where libexif does not look for it.
            if let iso = entry(0x0017, in: ifd0).flatMap({ tiff.integer($0) }), iso > 0, iso < 1 << 20 {
                scan.native.iso = Int(iso)
                scan.native.sources[.iso] = "EXIF:ISO"
            }
        case .dng, .nef, .arw, .pef, .orf:
            // The largest image among IFD0, its SubIFDs and the IFD chain is the raw one.
            var best = size(of: ifd0)
            var candidates: [UInt64] = entry(0x014A, in: ifd0).map { tiff.integers($0) } ?? []
            candidates = Array(candidates.prefix(8))
            for offset in candidates {
                guard let (entries, _) = try? tiff.readIFD(at: offset, maxValueSize: 0), let s = size(of: entries) else { continue }
                if let current = best, current.w * current.h >= s.w * s.h { continue }
                best = s
            }
            if let best {
                scan.pixelWidth = best.w
                scan.pixelHeight = best.h
            }
        default:
            // TIFF: the first image. CR2 and IIQ take the Exif pixel dimensions (set by the merger).
            if let s = size(of: ifd0), scan.format != .cr2, scan.format != .iiq {
                scan.pixelWidth = s.w
                scan.pixelHeight = s.h
            }
        }

        if let xmp = entry(0x02BC, in: ifd0)?.value, !xmp.isEmpty {
            scan.xmp.append(xmp)
        }

        // The EXIF payload: the file itself when libexif can take it whole, else a compact copy.
        let span = tiff.source.size - tiff.base
        if !tiff.isBigTIFF, span <= Int64(EXIFCompactor.limit) {
            var bytes = try tiff.source.read(at: tiff.base, count: Int(span))
            // ORF ("RO"/"RS") and RW2 (0x55) put their own magic where TIFF has 42; libexif wants 42.
            if bytes.count >= 4 {
                bytes[2] = tiff.bigEndian ? 0x00 : 0x2A
                bytes[3] = tiff.bigEndian ? 0x2A : 0x00
            }
            scan.exif.append(bytes)
        } else if let blob = EXIFCompactor.compact(tiff, warnings: &scan.warnings) {
            scan.exif.append(blob)
        }
    }
}
