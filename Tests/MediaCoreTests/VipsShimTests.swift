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
        #expect(vshim_webpsave_buffer(thumb, 80, &buffer, &length) == 0)
        #expect(length > 12)
        vshim_free(buffer)

        var big: OpaquePointer?
        #expect(vshim_thumbnail_image_box(thumb, 500, 500, 0, &big) == 0)
        #expect(vshim_width(big) == 24 && vshim_height(big) == 18)  // never upscaled
        vshim_unref(big)
        vshim_unref(thumb)
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
