import Foundation
import Testing
import VipsShim

/// The libvips shim: loaded on demand, fixed-arity calls, errors captured per call.
@Suite(.serialized) struct VipsShimTests {
    init() {
        #expect(vshim_init("MediaCoreTests") == 0, "libvips must load: \(String(cString: vshim_error()))")
        vshim_configure(0, 1)
    }

    /// A 64×48 gray PNG written by libvips itself would need vips; build a tiny PGM instead (vips reads PPM/PGM).
    private func pgm(width: Int, height: Int) throws -> String {
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        for y in 0..<height { for x in 0..<width { bytes.append(UInt8((x * 4 + y * 2) & 0xFF)) } }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shim-\(UUID()).pgm").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func thumbnailsWithoutUpscalingAndSavesBuffers() throws {
        let path = try pgm(width: 64, height: 48)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var image: OpaquePointer?
        #expect(vshim_open_file(path, &image) == 0)
        #expect(vshim_width(image) == 64 && vshim_height(image) == 48 && vshim_bands(image) == 1)
        vshim_unref(image)

        var thumb: OpaquePointer?
        #expect(vshim_thumbnail_file_box(path, 24, 24, &thumb) == 0)
        #expect(vshim_width(thumb) == 24 && vshim_height(thumb) == 18)  // fits a 24×24 box
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        #expect(vshim_jpegsave_buffer(thumb, 80, &buffer, &length) == 0)
        let jpeg = buffer.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
        #expect(jpeg.starts(with: [0xFF, 0xD8, 0xFF]))
        vshim_free(buffer)
        #expect(vshim_webpsave_buffer(thumb, 80, 4, &buffer, &length) == 0)
        #expect(length > 12)
        vshim_free(buffer)

        var reduced: OpaquePointer?
        #expect(vshim_reduce_to(thumb, 12, 5, &reduced) == 0)
        #expect(vshim_width(reduced) == 12 && vshim_height(reduced) == 5 && vshim_bands(reduced) == 1)
        vshim_unref(reduced)
        vshim_unref(thumb)
    }

    /// Deterministic noise: every pixel different, so a wrong tap or weight shows.
    private func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    private func resample(_ input: [UInt8], _ iw: Int, _ ih: Int, bands: Int, to ow: Int, _ oh: Int, simd: Bool) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: ow * oh * bands)
        let status = input.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                vshim_resample_u8(i.baseAddress, Int32(iw), Int32(ih), Int32(bands), o.baseAddress, Int32(ow), Int32(oh), simd ? 1 : 0)
            }
        }
        return status == 0 ? out : nil
    }

    /// The SIMD and portable reductions compute the same integer sums: same bytes, for every band
    /// count and for the factors the thumbnailer uses (1.05 for the preview, 5.8 for the
    /// thumbnail, odd sizes, a single row or column).
    @Test(arguments: [1, 2, 3, 4])
    func simdAndPortableResamplingGiveTheSameBytes(bands: Int) throws {
        let sizes = [(403, 302, 384, 288), (384, 288, 67, 50), (333, 250, 100, 75), (97, 61, 32, 32),
                     (7, 300, 3, 41), (300, 1, 29, 1), (1, 1, 1, 1), (5, 5, 5, 5)]
        for (iw, ih, ow, oh) in sizes {
            let input = noise(iw * ih * bands, seed: UInt64(iw * 31 + ih + bands))
            let fast = try #require(resample(input, iw, ih, bands: bands, to: ow, oh, simd: true))
            let portable = try #require(resample(input, iw, ih, bands: bands, to: ow, oh, simd: false))
            #expect(fast == portable, "\(iw)×\(ih)×\(bands) → \(ow)×\(oh)")
        }
        #expect(vshim_resample_u8(nil, 0, 1, Int32(bands), nil, 1, 1, 1) == -1)
    }

    /// What a reduction must do to a picture: a flat colour stays that colour exactly (the
    /// weights sum to one), a fine checkerboard averages to its mean (antialiased, not
    /// sampled), and a ramp stays a ramp.
    @Test func resamplingKeepsFlatColoursAndAveragesDetail() throws {
        let flat = [UInt8](repeating: 0, count: 64 * 48 * 3).enumerated().map { UInt8([200, 100, 7][$0.offset % 3]) }
        let flatOut = try #require(resample(flat, 64, 48, bands: 3, to: 20, 15, simd: true))
        #expect(flatOut == (0..<(20 * 15)).flatMap { _ in [200, 100, 7] as [UInt8] })

        let checker = (0..<(400 * 300)).map { i in ((i % 400) + (i / 400)) % 2 == 0 ? UInt8(255) : 0 }
        let gray = try #require(resample(checker, 400, 300, bands: 1, to: 57, 43, simd: true))
        #expect(gray.allSatisfy { abs(Int($0) - 128) <= 3 }, "got \(gray.min() ?? 0)...\(gray.max() ?? 0)")

        let ramp = (0..<(256 * 4)).map { UInt8($0 % 256) }
        let half = try #require(resample(ramp, 256, 4, bands: 1, to: 128, 2, simd: true))
        for x in 0..<128 { #expect(abs(Int(half[x]) - (2 * x) - 1) <= 1, "x \(x): \(half[x])") }
    }

    /// libjpeg called directly gives the same pixels as libvips' loader at the same DCT scale,
    /// keeps the ICC profile (an Adobe RGB photo is converted), leaves CMYK to libvips, and
    /// fails on a cut file with its name in the message.
    @Test(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
    func directJPEGDecodeMatchesLibvips() throws {
        let adobe = Corpus.path("media/metadata-extractor-images/jpg/Canon EOS 7D.jpg")
        for shrink: Int32 in [1, 2, 4] {
            var direct: OpaquePointer?, viaVips: OpaquePointer?, copied: OpaquePointer?
            #expect(vshim_jpeg_decode_file(adobe, shrink, 0, &direct) == 0)
            #expect(vshim_jpegload_shrink(adobe, shrink, &viaVips) == 0)
            #expect(vshim_copy_memory(viaVips, &copied) == 0)
            var a: UnsafeMutableRawPointer?, b: UnsafeMutableRawPointer?
            var la = 0, lb = 0
            #expect(vshim_write_to_memory(direct, &a, &la) == 0 && vshim_write_to_memory(copied, &b, &lb) == 0)
            let same = la == lb && la > 0 && a.flatMap { a in b.map { memcmp(a, $0, la) == 0 } } == true
            #expect(same, "shrink \(shrink): the pixels differ")
            vshim_free(a)
            vshim_free(b)
            var srgb: OpaquePointer?
            var converted: Int32 = 0
            #expect(vshim_to_srgb(direct, &srgb, &converted) == 0 && converted == 1, "the Adobe RGB profile was not kept")
            [direct, viaVips, copied, srgb].forEach { vshim_unref($0) }
        }

        var cmyk: OpaquePointer?
        #expect(vshim_jpeg_decode_file(Corpus.path("media/metadata-extractor-images/jpg/Multiple ICC segments.jpg"), 1, 0, &cmyk) == 1)
        #expect(cmyk == nil)

        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: adobe)))
        let cut = FileManager.default.temporaryDirectory.appendingPathComponent("cut-\(UUID()).jpg").path
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: cut))
        defer { try? FileManager.default.removeItem(atPath: cut) }
        var image: OpaquePointer?
        vshim_error_clear()
        #expect(vshim_jpeg_decode_file(cut, 2, 0, &image) == -1 && image == nil)
        let message = String(cString: vshim_error())
        #expect(message.contains(cut) && message.contains("Premature end"), "\(message)")
        vshim_error_clear()
    }

    @Test func failuresLeaveAMessageThatCanBeCleared() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("shim-\(UUID()).jpg").path
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var image: OpaquePointer?
        #expect(vshim_open_file(path, &image) == -1)
        #expect(image == nil)
        #expect(!String(cString: vshim_error()).isEmpty)
        vshim_error_clear()
        #expect(String(cString: vshim_error()).isEmpty)
    }
}
