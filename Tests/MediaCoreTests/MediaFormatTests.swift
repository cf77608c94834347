import Testing
@testable import MediaCore

@Suite struct MediaFormatTests {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    private func ftyp(_ major: String, _ compatible: [String]) -> [UInt8] {
        let size = 16 + 4 * compatible.count
        return [0, 0, 0, UInt8(size)] + bytes("ftyp") + bytes(major) + [0, 0, 0, 0] + compatible.flatMap(bytes)
    }

    @Test func sniffsFromMagicBytesNotNames() {
        #expect(MediaFormat.sniff([0xFF, 0xD8, 0xFF, 0xE1]) == .jpeg)
        #expect(MediaFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) == .png)
        #expect(MediaFormat.sniff(bytes("GIF87a")) == .gif)
        #expect(MediaFormat.sniff(bytes("RIFF") + [0, 0, 0, 0] + bytes("WEBPVP8 ")) == .webp)
        #expect(MediaFormat.sniff(bytes("RIFF") + [0, 0, 0, 0] + bytes("AVI LIST")) == .avi)
        #expect(MediaFormat.sniff([0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0]) == .tiff)
        #expect(MediaFormat.sniff([0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8]) == .tiff)
        #expect(MediaFormat.sniff([0x49, 0x49, 0x2A, 0x00, 16, 0, 0, 0] + bytes("CR") + [2, 0]) == .cr2)
        #expect(MediaFormat.sniff([0x49, 0x49, 0x2B, 0x00, 8, 0, 0, 0]) == .bigTIFF)
        #expect(MediaFormat.sniff(bytes("IIRO") + [8, 0, 0, 0]) == .orf)
        #expect(MediaFormat.sniff([0x49, 0x49, 0x55, 0x00, 8, 0, 0, 0]) == .rw2)
        #expect(MediaFormat.sniff(bytes("FUJIFILMCCD-RAW 0201")) == .raf)
        #expect(MediaFormat.sniff(bytes("BM") + [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0]) == .bmp)
        #expect(MediaFormat.sniff([0xFF, 0x0A, 0x00]) == .jxl)
        #expect(MediaFormat.sniff([0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x84] + bytes("webm")) == .webm)
        #expect(MediaFormat.sniff([0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x88] + bytes("matroska")) == .mkv)
    }

    @Test func isoBrandsDecideTheFormat() {
        #expect(MediaFormat.sniff(ftyp("heic", ["mif1", "heic"])) == .heic)
        #expect(MediaFormat.sniff(ftyp("mif1", ["mif1", "heic"])) == .heif)
        #expect(MediaFormat.sniff(ftyp("avif", ["avif", "mif1"])) == .avif)
        #expect(MediaFormat.sniff(ftyp("crx ", ["crx "])) == .cr3)
        #expect(MediaFormat.sniff(ftyp("qt  ", ["qt  "])) == .mov)
        #expect(MediaFormat.sniff(ftyp("isom", ["isom", "mp41"])) == .mp4)
        #expect(MediaFormat.sniff(ftyp("M4V ", ["M4V "])) == .m4v)
        #expect(MediaFormat.sniff(ftyp("3gp4", ["3gp4"])) == .threeGP)
    }

    @Test func transportStreamsNeedRepeatedSyncBytes() {
        var ts = [UInt8](repeating: 0, count: 400)
        ts[0] = 0x47; ts[188] = 0x47
        #expect(MediaFormat.sniff(ts) == .m2ts)
        var m2ts = [UInt8](repeating: 0, count: 400)
        m2ts[4] = 0x47; m2ts[196] = 0x47
        #expect(MediaFormat.sniff(m2ts) == .m2ts)
        ts[188] = 0
        #expect(MediaFormat.sniff(ts) == nil)
    }

    @Test func rejectsUnknownAndEmptyInput() {
        #expect(MediaFormat.sniff([]) == nil)
        #expect(MediaFormat.sniff(bytes("hello, world")) == nil)
        #expect(MediaFormat.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0D, 0x1A, 0x0D]) == nil)  // PNG with CR/LF damage
    }

    @Test func kindsAndMimeTypes() {
        #expect(MediaFormat.mov.kind == .video)
        #expect(MediaFormat.nef.kind == .raw)
        #expect(MediaFormat.heic.kind == .image)
        #expect(MediaFormat.threeGP.mimeType == "video/3gpp")
        #expect(MediaFormat.dng.mimeType == "image/x-adobe-dng")
    }
}
