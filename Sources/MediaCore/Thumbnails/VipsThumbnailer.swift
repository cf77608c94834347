import Foundation
import VipsShim

/// The default ``Thumbnailer``, on libvips: one decode per photo, shrink-on-load, EXIF
/// orientation applied, colour converted to sRGB, metadata stripped from the outputs.
///
/// For a JPEG the decoder itself shrinks by the largest power of two (up to 8) that keeps the
/// short edge at or above the preview's, which is most of the saving (libvips' `thumbnail`
/// keeps a 2× margin and would decode a 12 MP photo in full for a 1440 px preview). Other
/// formats go through `vips_thumbnail`, which shrinks on load where the loader can (HEIF's
/// embedded thumbnails, WebP, PDF) and decodes the rest. The preview is computed once into
/// memory; the thumbnail, the placeholder pixels and the gray buffer are made from it.
///
/// The reductions after the decode use VipsShim's own antialiased bilinear (SSE2/SSSE3),
/// not `vips_resize`: libvips 8.14's horizontal reduce costs 37 ms on a 2016 px wide photo, about
/// a third of the whole render, where this takes a few.
///
/// libvips is loaded on first use, its operation cache turned off and its per-image threads set
/// to ``Configuration/vipsThreads``: run several renders at a time on your own threads instead
/// (two at a time with one vips thread each is nearly twice as fast as one at a time here).
/// Renders are blocking; call them from a thread pool, not from Swift's cooperative pool.
public struct VipsThumbnailer: Thumbnailer {
    /// Process-wide libvips settings, applied by the first ``VipsThumbnailer`` made.
    public struct Configuration: Sendable, Hashable {
        /// Threads libvips uses for one image. Default 1.
        public var vipsThreads = 1
        /// Creates the defaults.
        public init() {}
    }

    /// Loads and configures libvips (once per process).
    /// - Throws: `MediaCoreError.undecodable` when libvips cannot be loaded.
    public init(configuration: Configuration = Configuration()) throws(MediaCoreError) {
        try VipsRuntime.start(threads: configuration.vipsThreads)
    }

    public func render(path: String, metadata: MediaMetadata, spec: ThumbnailSpec) throws(MediaCoreError) -> RenderedImages {
        // libvips' error buffer is process-wide: a failed step takes (copies and clears) it at
        // once, and nothing clears it otherwise, so that renders on other threads keep theirs.
        let preview = try decodePreview(path: path, metadata: metadata, spec: spec)
        let previewJPEG = try preview.save(path, format: .jpeg, quality: spec.previewQuality, effort: 0)

        // The preview is upright, 8-bit sRGB and in memory: the rest are plain reductions of it.
        let thumbnail = try preview.reduced(path, to: Self.shortEdgeSize(preview.width, preview.height, spec.thumbnailShortEdge), "making the thumbnail")
        let thumbnailWebP = try thumbnail.save(path, format: .webp, quality: spec.thumbnailQuality, effort: spec.thumbnailEffort)

        let small = try thumbnail.reduced(path, to: Self.boxSize(thumbnail.width, thumbnail.height, spec.placeholderMaxSide), "making the placeholder")
        let rgba = try VipsImage.call(path, "converting the placeholder to RGBA") { vshim_rgba8(small.pointer, &$0) }
        let graySized = try thumbnail.reduced(path, to: (spec.graySide, spec.graySide), "making the gray buffer")
        let gray = try VipsImage.call(path, "converting to gray") { vshim_gray8(graySized.pointer, &$0) }
        let placeholder = try rgba.pixels(path, channels: 4)
        guard let thumbhash = ThumbHash.encode(width: placeholder.width, height: placeholder.height, rgba: placeholder.pixels) else {
            throw MediaCoreError(.undecodable, "the placeholder of \(placeholder.width)×\(placeholder.height) cannot be hashed", path: path)
        }
        return RenderedImages(
            preview: EncodedImage(bytes: previewJPEG, width: preview.width, height: preview.height, format: .jpeg),
            thumbnail: EncodedImage(bytes: thumbnailWebP, width: thumbnail.width, height: thumbnail.height, format: .webp),
            placeholder: placeholder, thumbhash: thumbhash,
            gray: try gray.pixels(path, channels: 1))
    }

    /// The preview's pixels: decoded once, upright, 8-bit sRGB, in memory.
    private func decodePreview(path: String, metadata: MediaMetadata, spec: ThumbnailSpec) throws(MediaCoreError) -> VipsImage {
        let target = spec.previewShortEdge
        if metadata.format == .jpeg, let w = metadata.pixelWidth, let h = metadata.pixelHeight, w > 0, h > 0 {
            let orientation = Int32(metadata.orientation ?? 0)
            return try decodeJPEG(path, "decoding the JPEG", width: w, height: h, target: target,
                                  direct: { shrink, out in vshim_jpeg_decode_file(path, shrink, orientation, &out) },
                                  viaVips: { shrink, out in vshim_jpegload_shrink(path, shrink, &out) })
        }
        if metadata.format.kind == .raw, let embedded = try embeddedPreview(path: path, metadata: metadata, spec: spec) {
            return embedded
        }
        // Other formats: vips_thumbnail shrinks on load where the loader can and turns upright.
        // The aspect ratio decides the box; without it, read the header (no pixels yet).
        var width = metadata.pixelWidth ?? 0, height = metadata.pixelHeight ?? 0
        if width <= 0 || height <= 0 {
            let header = try VipsImage.call(path, "reading the image header") { vshim_open_file(path, &$0) }
            width = header.width
            height = header.height
        }
        let side = Self.squareBox(shortEdge: target, width: width, height: height)
        let sized = try VipsImage.call(path, "decoding the image") { vshim_thumbnail_file_box(path, Int32(side), Int32(side), &$0) }
        let srgb = try sized.srgb(path)
        return try VipsImage.call(path, "decoding the image") { vshim_copy_memory(srgb.pointer, &$0) }
    }

    /// A raw file's embedded JPEG preview, decoded like a JPEG and turned by the raw's
    /// orientation; `nil` when the file has none, or when libvips reads the file itself (a DNG's
    /// or TIFF-based raw's first page) at a larger size than the preview.
    private func embeddedPreview(path: String, metadata: MediaMetadata, spec: ThumbnailSpec) throws(MediaCoreError) -> VipsImage? {
        guard let jpeg = try EmbeddedPreview.largestJPEG(in: path, format: metadata.format) else { return nil }
        if min(jpeg.width, jpeg.height) < spec.previewShortEdge {
            var header: OpaquePointer?
            if vshim_open_file(path, &header) == 0, let header {
                let own = VipsImage(owning: header)
                if own.width * own.height > jpeg.pixelCount { return nil }
            }
            vshim_error_clear()
        }
        let bytes = try EmbeddedPreview.bytes(of: jpeg, in: path)
        let orientation = Int32(metadata.orientation ?? 0)
        // withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
        return try bytes.withUnsafeBytes { raw in
            Result { () throws(MediaCoreError) -> VipsImage in
                try decodeJPEG(path, "decoding the embedded preview", width: jpeg.width, height: jpeg.height, target: spec.previewShortEdge,
                               direct: { shrink, out in vshim_jpeg_decode(raw.baseAddress, raw.count, shrink, orientation, path, &out) },
                               viaVips: { shrink, out in vshim_jpegload_buffer_shrink(raw.baseAddress, raw.count, shrink, orientation, &out) })
            }
        }.get()
    }

    /// A JPEG decoded once into memory: the decoder shrinks by the largest power of two (up to 8)
    /// that keeps the short edge at or above `target`; then colour (the reduction keeps no
    /// profile), the reduction left (less than 2×), and upright on the fewer pixels.
    ///
    /// The decode is libjpeg's, called `direct`ly from memory on this thread (15 % faster than
    /// libvips' loader, see jpeg_decode.c); CMYK and YCCK files, which it leaves, go `viaVips`.
    private func decodeJPEG(_ path: String, _ step: String, width: Int, height: Int, target: Int,
                            direct: (Int32, inout OpaquePointer?) -> Int32,
                            viaVips: (Int32, inout OpaquePointer?) -> Int32) throws(MediaCoreError) -> VipsImage {
        let shrink = Int32([8, 4, 2].first { min(width, height) / $0 >= target } ?? 1)
        var out: OpaquePointer?
        let status = direct(shrink, &out)
        let decoded: VipsImage
        if status == 0, let out {
            decoded = VipsImage(owning: out)
        } else if status == 1 {
            let loaded = try VipsImage.call(path, step) { viaVips(shrink, &$0) }
            decoded = try VipsImage.call(path, step) { vshim_copy_memory(loaded.pointer, &$0) }
        } else {
            throw MediaCoreError(.undecodable, "\(step) failed", path: path, underlying: VipsImage.takeError())
        }
        let srgb = try decoded.srgb(path)
        let sized = try srgb.reduced(path, to: Self.shortEdgeSize(srgb.width, srgb.height, target), "resizing to the preview")
        return try VipsImage.call(path, "turning the image upright") { vshim_upright(sized.pointer, &$0) }
    }

    /// `width × height` scaled so that the short edge is `shortEdge`, never enlarged.
    static func shortEdgeSize(_ width: Int, _ height: Int, _ shortEdge: Int) -> (Int, Int) {
        let short = min(width, height)
        guard short > shortEdge, short > 0 else { return (width, height) }
        let scale = Double(shortEdge) / Double(short)
        return width <= height
            ? (shortEdge, max(1, Int((Double(height) * scale).rounded())))
            : (max(1, Int((Double(width) * scale).rounded())), shortEdge)
    }

    /// `width × height` fitted in a `side`-square box, never enlarged.
    static func boxSize(_ width: Int, _ height: Int, _ side: Int) -> (Int, Int) {
        let long = max(width, height)
        guard long > side, long > 0 else { return (width, height) }
        let scale = Double(side) / Double(long)
        return (max(1, Int((Double(width) * scale).rounded())), max(1, Int((Double(height) * scale).rounded())))
    }

    /// The side of a square box in which an image of this size, fitted, gets `shortEdge` on its
    /// short side, whichever way it is turned: `shortEdge × long / short`.
    static func squareBox(shortEdge: Int, width: Int, height: Int) -> Int {
        let long = max(width, height), short = max(1, min(width, height))
        return max(1, Int((Double(shortEdge) * Double(long) / Double(short)).rounded()))
    }
}

/// libvips for this process: loaded and configured once.
enum VipsRuntime {
    private static let started: Result<Void, MediaCoreError> = {
        guard vshim_init("mediakit") == 0 else {
            return .failure(MediaCoreError(.undecodable, "libvips is not available", underlying: String(cString: vshim_error())))
        }
        return .success(())
    }()

    static func start(threads: Int) throws(MediaCoreError) {
        try started.get()
        vshim_configure(0, Int32(max(1, threads)))
    }
}

/// A libvips image, owned: unreferenced when the value is released.
final class VipsImage {
    let pointer: OpaquePointer

    /// Takes over a reference the caller owns.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    deinit { vshim_unref(pointer) }

    var width: Int { Int(vshim_width(pointer)) }
    var height: Int { Int(vshim_height(pointer)) }

    /// Runs a shim call that produces an image; on failure, the libvips error buffer (read and
    /// cleared at once) becomes the error, naming the file and the step.
    static func call(_ path: String, _ step: String, _ body: (inout OpaquePointer?) -> Int32) throws(MediaCoreError) -> VipsImage {
        var out: OpaquePointer?
        let status = body(&out)
        guard status == 0, let out else {
            throw MediaCoreError(.undecodable, "\(step) failed", path: path, underlying: VipsImage.takeError())
        }
        return VipsImage(owning: out)
    }

    /// This image resized to exactly `size` (the same image when it has that size already).
    func reduced(_ path: String, to size: (Int, Int), _ step: String) throws(MediaCoreError) -> VipsImage {
        if size == (width, height) { return self }
        return try VipsImage.call(path, step) { vshim_reduce_to(pointer, Int32(size.0), Int32(size.1), &$0) }
    }

    /// This image in 8-bit sRGB (or gray), its ICC profile applied.
    func srgb(_ path: String) throws(MediaCoreError) -> VipsImage {
        var converted: Int32 = 0
        return try VipsImage.call(path, "converting to sRGB") { vshim_to_srgb(pointer, &$0, &converted) }
    }

    /// The libvips error buffer, cleared.
    static func takeError() -> String {
        let taken = vshim_error_take()
        defer { free(taken) }
        let text = (taken.map { String(cString: $0) } ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "libvips gave no reason" : text
    }

    /// Encodes as JPEG or WebP (`effort`: WebP's 0...6), metadata stripped.
    func save(_ path: String, format: MediaFormat, quality: Int, effort: Int) throws(MediaCoreError) -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status = format == .webp
            ? vshim_webpsave_buffer(pointer, Int32(quality), Int32(min(max(effort, 0), 6)), &buffer, &length)
            : vshim_jpegsave_buffer(pointer, Int32(quality), &buffer, &length)
        guard status == 0, let buffer else {
            throw MediaCoreError(.undecodable, "encoding the \(format.rawValue) failed", path: path, underlying: VipsImage.takeError())
        }
        defer { vshim_free(buffer) }
        return [UInt8](UnsafeRawBufferPointer(start: buffer, count: length))
    }

    /// The packed 8-bit pixels.
    func pixels(_ path: String, channels: Int) throws(MediaCoreError) -> PixelBuffer {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        guard vshim_write_to_memory(pointer, &buffer, &length) == 0, let buffer else {
            throw MediaCoreError(.undecodable, "reading the pixels failed", path: path, underlying: VipsImage.takeError())
        }
        defer { vshim_free(buffer) }
        let w = width, h = height
        guard length == w * h * channels else {
            throw MediaCoreError(.undecodable, "unexpected pixel buffer of \(length) bytes for \(w)×\(h)×\(channels)", path: path)
        }
        return PixelBuffer(width: w, height: h, channels: channels, pixels: [UInt8](UnsafeRawBufferPointer(start: buffer, count: length)))
    }
}
