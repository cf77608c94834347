/// A file format MediaKit recognises, identified from the file's bytes, never its name.
///
/// ```swift
/// let format = MediaFormat.sniff(header)   // header: the first bytes of the file
/// format?.mimeType                         // "image/jpeg"
/// ```
public enum MediaFormat: String, Sendable, Hashable, Codable, CaseIterable {
    /// Still-image formats: JPEG, PNG, GIF, WebP, HEIC (HEVC in HEIF), HEIF, AVIF, TIFF.
    case jpeg, png, gif, webp, heic, heif, avif, tiff
    /// BigTIFF (64-bit offsets).
    case bigTIFF = "btf"
    /// Raw formats (DNG, Canon CR2/CR3/CRW, Nikon NEF, Sony ARW, Olympus ORF, Panasonic RW2,
    /// Fujifilm RAF, Pentax PEF, Minolta MRW, Sigma X3F, Phase One IIQ), then BMP, JPEG XL, JPEG 2000.
    case dng, cr2, cr3, crw, nef, arw, orf, rw2, raf, pef, mrw, x3f, iiq, bmp, jxl, jp2
    /// QuickTime and MPEG-4 video.
    case mov, mp4, m4v
    /// 3GPP video.
    case threeGP = "3gp"
    /// AVI (RIFF) video.
    case avi
    /// MPEG transport stream, with (M2TS/MTS, AVCHD) or without 4-byte timecodes.
    case m2ts
    /// Matroska and WebM video.
    case mkv, webm

    /// Whether the format holds a still image, a camera raw image or a video.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A still image (including animated GIF and WebP).
        case image
        /// A camera raw image.
        case raw
        /// A video.
        case video
    }

    /// The broad kind of content.
    public var kind: Kind {
        switch self {
        case .dng, .cr2, .cr3, .crw, .nef, .arw, .orf, .rw2, .raf, .pef, .mrw, .x3f, .iiq: return .raw
        case .mov, .mp4, .m4v, .threeGP, .avi, .m2ts, .mkv, .webm: return .video
        default: return .image
        }
    }

    /// The MIME type, as exiftool names it.
    public var mimeType: String {
        switch self {
        case .jpeg: return "image/jpeg"
        case .png: return "image/png"
        case .gif: return "image/gif"
        case .webp: return "image/webp"
        case .heic: return "image/heic"
        case .heif: return "image/heif"
        case .avif: return "image/avif"
        case .tiff: return "image/tiff"
        case .bigTIFF: return "image/x-tiff-big"
        case .dng: return "image/x-adobe-dng"
        case .cr2: return "image/x-canon-cr2"
        case .cr3: return "image/x-canon-cr3"
        case .crw: return "image/x-canon-crw"
        case .nef: return "image/x-nikon-nef"
        case .arw: return "image/x-sony-arw"
        case .orf: return "image/x-olympus-orf"
        case .rw2: return "image/x-panasonic-rw2"
        case .raf: return "image/x-fujifilm-raf"
        case .pef: return "image/x-pentax-pef"
        case .mrw: return "image/x-minolta-mrw"
        case .x3f: return "image/x-sigma-x3f"
        case .iiq: return "image/x-raw"
        case .bmp: return "image/bmp"
        case .jxl: return "image/jxl"
        case .jp2: return "image/jp2"
        case .mov: return "video/quicktime"
        case .mp4: return "video/mp4"
        case .m4v: return "video/x-m4v"
        case .threeGP: return "video/3gpp"
        case .avi: return "video/x-msvideo"
        case .m2ts: return "video/m2ts"
        case .mkv: return "video/x-matroska"
        case .webm: return "video/webm"
        }
    }

    /// How many leading bytes `sniff(_:)` wants to see to tell every format apart.
    public static let sniffLength = 512

    /// Identifies a format from the first bytes of a file.
    ///
    /// TIFF-based raw formats that share TIFF's magic number (DNG, NEF, ARW, PEF) come back
    /// as `.tiff` here; the metadata reader refines them from the first IFD.
    /// - Parameter header: The first bytes of the file (`sniffLength` is enough).
    /// - Returns: The format, or `nil` if the bytes match none.
    /// - Complexity: O(1).
    public static func sniff(_ header: some Collection<UInt8>) -> MediaFormat? {
        let h = Array(header.prefix(sniffLength))
        func at(_ offset: Int, _ magic: [UInt8]) -> Bool {
            offset >= 0 && h.count >= offset + magic.count && Array(h[offset..<offset + magic.count]) == magic
        }
        func ascii(_ offset: Int, _ s: String) -> Bool { at(offset, Array(s.utf8)) }

        if at(0, [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if at(0, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if ascii(0, "GIF87a") || ascii(0, "GIF89a") { return .gif }
        if ascii(0, "RIFF") {
            if ascii(8, "WEBP") { return .webp }
            if ascii(8, "AVI ") { return .avi }
        }
        if at(0, [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]) { return .jp2 }
        if at(0, [0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20, 0x0D, 0x0A, 0x87, 0x0A]) || at(0, [0xFF, 0x0A]) { return .jxl }
        if ascii(4, "ftyp") { return isoBrand(h) }
        if h.count >= 8, ["moov", "mdat", "wide", "free", "skip", "pnot"].contains(String(decoding: h[4..<8], as: UTF8.self)) {
            return .mov
        }
        if ascii(0, "FUJIFILMCCD-RAW") { return .raf }
        if at(0, [0x00]) && ascii(1, "MRM") { return .mrw }
        if ascii(0, "FOVb") { return .x3f }
        if ascii(0, "II") && ascii(6, "HEAPCCDR") { return .crw }
        if ascii(0, "IIRO") || ascii(0, "IIRS") || ascii(0, "MMOR") { return .orf }
        if at(0, [0x49, 0x49, 0x55, 0x00]) { return .rw2 }
        if at(0, [0x49, 0x49, 0x2A, 0x00]) || at(0, [0x4D, 0x4D, 0x00, 0x2A]) {
            if ascii(8, "IIII") { return .iiq }
            return ascii(8, "CR") && at(10, [0x02]) ? .cr2 : .tiff
        }
        if at(0, [0x49, 0x49, 0x2B, 0x00]) || at(0, [0x4D, 0x4D, 0x00, 0x2B]) { return .bigTIFF }
        if at(0, [0x1A, 0x45, 0xDF, 0xA3]) {
            return h.count > 4 && containsASCII(h, "webm") ? .webm : .mkv
        }
        if h.count >= 16, ascii(0, "BM") {
            let dib = UInt32(h[14]) | UInt32(h[15]) << 8
            if [12, 40, 52, 56, 64, 108, 124].contains(dib) { return .bmp }
        }
        // MPEG-TS: sync byte 0x47 every 188 bytes, or every 192 (M2TS with timecodes).
        if h.count > 192 + 4, h[4] == 0x47, h[196] == 0x47 { return .m2ts }
        if h.count > 188, h[0] == 0x47, h[188] == 0x47 { return .m2ts }
        return nil
    }

    private static func containsASCII(_ h: [UInt8], _ s: String) -> Bool {
        let needle = Array(s.utf8)
        guard h.count >= needle.count else { return false }
        for i in 0...(h.count - needle.count) where h[i] == needle[0] {
            if Array(h[i..<i + needle.count]) == needle { return true }
        }
        return false
    }

    /// Decides between the ISO base media formats from the `ftyp` box's brands.
    private static func isoBrand(_ h: [UInt8]) -> MediaFormat? {
        guard h.count >= 12 else { return .mp4 }
        let size = Int(UInt32(h[0]) << 24 | UInt32(h[1]) << 16 | UInt32(h[2]) << 8 | UInt32(h[3]))
        let end = min(h.count, max(16, size))
        let major = String(decoding: h[8..<12], as: UTF8.self)
        var compatible: [String] = []
        var i = 16
        while i + 4 <= end {
            compatible.append(String(decoding: h[i..<i + 4], as: UTF8.self))
            i += 4
        }
        switch major {
        case "heic", "heix", "heim", "heis", "hevc", "hevx": return .heic
        case "avif", "avis": return .avif
        case "crx ": return .cr3
        case "qt  ": return .mov
        case "M4V ", "M4VH", "M4VP": return .m4v
        case "3gp4", "3gp5", "3gp6", "3gp7", "3gs7", "3ge6", "3ge7", "3gg6", "3g2a", "3g2b", "3g2c": return .threeGP
        case "mif1", "msf1":
            // exiftool calls these HEIF whatever codec they hold; AVIF when the brand list says so.
            if compatible.contains("avif") && !compatible.contains("heic") { return .avif }
            return .heif
        default:
            if compatible.contains("heic") { return .heic }
            if compatible.contains("avif") { return .avif }
            if compatible.contains("mif1") { return .heif }
            if compatible.contains("qt  ") { return .mov }
            return .mp4
        }
    }
}
