/// Chooses the container parser for a sniffed format.
enum ContainerScanner {
    static func scan(_ source: any ByteSource, format: MediaFormat) throws(MediaCoreError) -> ContainerScan {
        var scan = ContainerScan(format: format)
        switch format {
        case .jpeg:
            try JPEGParser.scan(source, into: &scan)
        case .tiff, .bigTIFF, .dng, .cr2, .nef, .arw, .orf, .rw2, .pef, .iiq:
            try TIFFParser.scan(source, into: &scan)
        case .png:
            try PNGParser.scan(source, into: &scan)
        case .webp:
            try WebPParser.scan(source, into: &scan)
        case .gif:
            try GIFParser.scan(source, into: &scan)
        case .heic, .heif, .avif, .cr3, .mov, .mp4, .m4v, .threeGP, .jp2, .jxl:
            try ISOBMFFParser.scan(source, into: &scan)
        case .bmp:
            try BMPParser.scan(source, into: &scan)
        case .avi:
            try RIFFParser.scanAVI(source, into: &scan)
        case .raf:
            try RAFParser.scan(source, into: &scan)
        case .mrw:
            try MRWParser.scan(source, into: &scan)
        case .crw:
            try CRWParser.scan(source, into: &scan)
        case .x3f:
            try X3FParser.scan(source, into: &scan)
        case .m2ts:
            try TransportStreamParser.scan(source, into: &scan)
        case .mkv, .webm:
            scan.warnings.append("metadata of \(format.rawValue.uppercased()) files is not read yet")
        }
        return scan
    }
}
