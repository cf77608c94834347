import Foundation
import Testing
import TestSupport
@testable import MediaML

@Suite struct EmbeddingProviderTests {
    /// "More like this" with the built-in descriptor: every picture of an orientation series
    /// (one photo stored 8 ways) finds the others of its series first, among 40 other corpus photos.
    @Test(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
    func theSamePictureIsNearestAmongOthers() throws {
        let thumbnailer = try VipsThumbnailer()
        let reader = StandardMetadataReader()
        let descriptor = ColorTextureDescriptor()
        var index = FlatVectorIndex(dimension: descriptor.dimension, metric: .cosine)
        var names: [String] = []
        func add(_ path: String) throws {
            let rendered = try thumbnailer.render(path: path, metadata: reader.read(path: path))
            let vector = try descriptor.embed(rendered)
            #expect(vector.count == descriptor.dimension)
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3)
            try index.insert(vector, id: Int64(names.count))
            names.append((path as NSString).lastPathComponent)
        }
        for i in 1...8 { try add(Corpus.path("media/exif-samples/jpg/orientation/portrait_\(i).jpg")) }
        let others = FileWalker.files(under: [Corpus.path("media/metadata-extractor-images/jpg")]).sorted().prefix(40)
        for path in others { try? add(path) }
        #expect(names.count >= 40)
        for series in 0..<8 {
            let query = try descriptor.embed(thumbnailer.render(
                path: Corpus.path("media/exif-samples/jpg/orientation/portrait_\(series + 1).jpg"),
                metadata: reader.read(path: Corpus.path("media/exif-samples/jpg/orientation/portrait_\(series + 1).jpg"))))
            let nearest = index.search(query, k: 8).map { Int($0.id) }
            #expect(nearest.allSatisfy { $0 < 8 }, "portrait_\(series + 1): \(nearest.map { names[$0] })")
        }
    }

    @Test func refusesEmptyImages() {
        let empty = RenderedImages(
            preview: EncodedImage(bytes: [], width: 0, height: 0, format: .jpeg),
            thumbnail: EncodedImage(bytes: [], width: 0, height: 0, format: .webp),
            placeholder: PixelBuffer(width: 0, height: 0, channels: 4, pixels: []), thumbhash: [],
            gray: PixelBuffer(width: 0, height: 0, channels: 1, pixels: []))
        #expect(throws: MediaCoreError.self) { try ColorTextureDescriptor().embed(empty) }
    }
}
