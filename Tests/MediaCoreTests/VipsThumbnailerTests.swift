import Foundation
import Testing
@testable import MediaCore

@Suite struct VipsThumbnailerTests {
    static func render(_ relative: String, spec: ThumbnailSpec = ThumbnailSpec()) throws -> RenderedImages {
        let path = Corpus.path("media/" + relative)
        let metadata = try StandardMetadataReader().read(path: path)
        return try VipsThumbnailer().render(path: path, metadata: metadata, spec: spec)
    }

    /// Mean absolute difference, 0–255, of two 32×32 gray buffers averaged down to 8×8 blocks
    /// (so that resampling differences in fine foliage do not count, but the picture's layout does).
    static func distance(_ a: PixelBuffer, _ b: PixelBuffer) -> Double {
        guard a.width == 32, a.height == 32, b.width == 32, b.height == 32 else { return 255 }
        func blocks(_ p: PixelBuffer) -> [Double] {
            (0..<64).map { k in
                let bx = k % 8 * 4, by = k / 8 * 4
                var sum = 0
                for y in by..<by + 4 { for x in bx..<bx + 4 { sum += Int(p.pixels[y * 32 + x]) } }
                return Double(sum) / 16
            }
        }
        return zip(blocks(a), blocks(b)).reduce(0) { $0 + abs($1.0 - $1.1) } / 64
    }

    /// One picture stored in all 8 EXIF orientations: every rendering comes out upright and alike.
    @Test(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"), arguments: ["landscape", "portrait"])
    func orientationSeriesComesOutUprightAndAlike(series: String) throws {
        let renders = try (1...8).map { try Self.render("exif-samples/jpg/orientation/\(series)_\($0).jpg") }
        let reference = renders[0]
        if let dump = ProcessInfo.processInfo.environment["MEDIAKIT_DUMP_THUMBS"] {
            for (i, r) in renders.enumerated() {
                try? Data(r.thumbnail.bytes).write(to: URL(fileURLWithPath: "\(dump)/\(series)_\(i + 1).webp"))
                try? Data(Array("P5 \(r.gray.width) \(r.gray.height) 255\n".utf8) + r.gray.pixels).write(to: URL(fileURLWithPath: "\(dump)/\(series)_\(i + 1).pgm"))
            }
        }
        #expect(series == "landscape" ? reference.preview.width > reference.preview.height : reference.preview.width < reference.preview.height)
        for (i, r) in renders.enumerated() {
            #expect(r.preview.width == reference.preview.width && r.preview.height == reference.preview.height, "orientation \(i + 1)")
            #expect(r.thumbnail.width == reference.thumbnail.width && r.thumbnail.height == reference.thumbnail.height, "orientation \(i + 1)")
            let d = Self.distance(r.gray, reference.gray)
            #expect(d < 6, "orientation \(i + 1) differs from orientation 1 by \(d) gray levels on average")
        }
        // The comparison can tell pictures apart: the same buffer turned upside down is far off.
        var flipped = reference.gray
        flipped.pixels.reverse()
        #expect(Self.distance(flipped, reference.gray) > 20)
    }

    @Test(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
    func sizesShortEdgesAndFormats() throws {
        // 4032×3024 iPhone HEIC... and a large JPEG: preview short edge 1440, thumbnail 250.
        let r = try Self.render("exif-samples/heic/IMG_5195.HEIC")
        #expect(min(r.preview.width, r.preview.height) == 1440)
        #expect(min(r.thumbnail.width, r.thumbnail.height) == 250)
        #expect(r.preview.bytes.starts(with: [0xFF, 0xD8, 0xFF]))
        #expect(Array(r.thumbnail.bytes[8..<12]) == Array("WEBP".utf8))
        #expect(max(r.placeholder.width, r.placeholder.height) <= 100 && r.placeholder.channels == 4)
        #expect(r.gray.width == 32 && r.gray.height == 32 && r.gray.pixels.count == 1024)
        // The placeholder hash keeps the picture's shape (4:3 landscape) and decodes.
        let ratio = try #require(ThumbHash.approximateAspectRatio(r.thumbhash))
        #expect(abs(ratio - Double(r.preview.width) / Double(r.preview.height)) < 0.25)
        #expect(ThumbHash.decode(r.thumbhash) != nil)
        // Metadata is stripped from the derived files: no EXIF block in the preview.
        #expect(MediaFormat.sniff(r.preview.bytes) == .jpeg)
        #expect(try StandardMetadataReader().read(bytes: r.preview.bytes).make == nil)
    }

    /// A raw file whose pixels libvips cannot read but which carries a full-size JPEG preview
    /// (here a "NEF": a TIFF whose IFD0 points at a 3000×2000 JPEG, orientation 6): the preview
    /// is decoded, shrunk to 1440 and turned upright by the raw's orientation.
    @Test func rawsRenderTheirEmbeddedPreview() throws {
        let jpeg = EmbeddedPreviewTests.jpeg(width: 3000, height: 2000)
        let raw = EmbeddedPreviewTests.TIFFFile(
            ifds: [[(0x0100, .short(6000)), (0x0101, .short(4000)), (0x0112, .short(6)), (0x0201, .offset(0)), (0x0202, .length(0))]],
            blobs: [jpeg]).build()
        try EmbeddedPreviewTests.withTemporaryFile(raw) { path throws in
            var metadata = MediaMetadata(format: .nef)
            metadata.pixelWidth = 6000
            metadata.pixelHeight = 4000
            metadata.orientation = 6
            let r = try VipsThumbnailer().render(path: path, metadata: metadata)
            #expect(r.preview.width == 1440 && r.preview.height == 2160)  // upright: portrait
            #expect(r.thumbnail.width == 250 && r.thumbnail.height == 375)

            // Without a preview (the JPEG's bytes cut off) the file is undecodable, by name.
            let cut = Array(raw.prefix(200))
            try EmbeddedPreviewTests.withTemporaryFile(cut) { cutPath throws in
                #expect(throws: MediaCoreError.self) { try VipsThumbnailer().render(path: cutPath, metadata: metadata) }
            }
        }
    }

    @Test func undecodableImagesGiveAClearError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vips-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("broken.jpg").path
        // A JPEG header whose scan data is missing.
        var bytes = TIFFBuilder().jpeg(width: 640, height: 480)
        bytes.removeLast(4)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let metadata = try StandardMetadataReader().read(path: path)
        #expect {
            _ = try VipsThumbnailer().render(path: path, metadata: metadata)
        } throws: { error in
            guard let e = error as? MediaCoreError else { return false }
            return e.code == .undecodable && e.path == path && e.description.contains(path)
        }
    }
}

/// Every image of the corpus that libvips can decode gets a preview and a thumbnail of the right
/// sizes; the others fail with a clear error, never a crash.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct VipsThumbnailerCorpusTests {
    @Test func everyDecodableImageGetsBothSizes() throws {
        let thumbnailer = try VipsThumbnailer()
        let reader = StandardMetadataReader()
        var rendered = 0
        var undecodable: [String] = []
        for path in FileWalker.files(under: [Corpus.path("media")]) {
            guard let metadata = try? reader.read(path: path), metadata.format.kind != .video else { continue }
            do {
                let r = try thumbnailer.render(path: path, metadata: metadata)
                rendered += 1
                let previewShort = min(r.preview.width, r.preview.height)
                let thumbShort = min(r.thumbnail.width, r.thumbnail.height)
                // Camera raw files render their embedded JPEG preview (or libvips' reading of the
                // file when that is larger), whose size is not the raw's: the raws of the corpus are
                // test files with 8×8 previews or none (see EmbeddedPreviewTests), and
                // rawsRenderTheirEmbeddedPreview checks a full-size one.
                if var w = metadata.width, var h = metadata.height, metadata.format.kind != .raw {
                    // HEIF pixels are turned by `irot` (libheif applies it), even where an EXIF
                    // orientation decides the reported display size (exiftool's convention).
                    if [.heic, .heif, .avif].contains(metadata.format), let p = metadata.pixelWidth, let q = metadata.pixelHeight {
                        (w, h) = (metadata.rotation ?? 0) % 180 == 90 ? (q, p) : (p, q)
                    }
                    #expect(abs(previewShort - min(1440, min(w, h))) <= 1, "\(path): preview \(r.preview.width)×\(r.preview.height) of \(w)×\(h)")
                    // Upright: the preview has the displayed aspect (landscape stays landscape).
                    #expect((r.preview.width >= r.preview.height) == (w >= h) || abs(w - h) * 50 < max(w, h), "\(path)")
                }
                #expect(previewShort <= 1440 && (previewShort == 1440 || previewShort > 0))
                #expect(abs(thumbShort - min(250, previewShort)) <= 1, "\(path): thumbnail \(r.thumbnail.width)×\(r.thumbnail.height)")
                #expect(r.preview.bytes.starts(with: [0xFF, 0xD8]) && r.thumbnail.bytes.count > 12)
            } catch {
                #expect(error.code == .undecodable && error.path == path, "\(error)")
                undecodable.append("\((path as NSString).lastPathComponent): \(error.underlying ?? error.message)")
            }
        }
        print("thumbnails: \(rendered) images rendered, \(undecodable.count) undecodable:\n  " + undecodable.joined(separator: "\n  "))
        #expect(rendered >= 200)
    }
}
