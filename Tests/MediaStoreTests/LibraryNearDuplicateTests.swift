import Foundation
import Testing
import MediaML
@testable import MediaStore

/// Near-duplicates found by the import, incrementally, kept in the catalog (corpus photos and
/// copies of them re-encoded by the thumbnailer).
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct LibraryNearDuplicateTests {
    @Test func importGroupsCopiesKeepsTheOriginalAndLeavesOtherPhotosAlone() async throws {
        let dir = try TemporaryFolder()
        let media = Corpus.root + "/media/"
        let original = media + "metadata-extractor-images/jpg/Canon EOS 7D.jpg"
        let other = media + "exif-samples/jpg/Canon_40D.jpg"
        let similar = media + "exif-samples/jpg/hdr/iphone_hdr_NO.jpg"
        try FileManager.default.createDirectory(atPath: dir.sub("first"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.sub("later"), withIntermediateDirectories: true)
        for path in [original, other, similar] {
            try FileManager.default.copyItem(atPath: path, toPath: dir.sub("first/" + (path as NSString).lastPathComponent))
        }
        // Copies a messenger would make: smaller, recompressed, converted, without metadata.
        let thumbnailer = try VipsThumbnailer()
        let rendered = try thumbnailer.render(path: original, metadata: StandardMetadataReader().read(path: original))
        try dir.write("first/sent.jpg", rendered.preview.bytes)
        try dir.write("later/sent.webp", rendered.thumbnail.bytes)

        let library = try Library(at: dir.sub("library"))
        var summary = await library.import([dir.sub("first")])
        #expect(summary.imported == 4, "\(summary.failures)")
        var groups = try library.nearDuplicateGroups()
        #expect(groups.count == 1)
        #expect(Set(groups.first?.assets.map(\.originalFilename) ?? []) == ["Canon EOS 7D.jpg", "sent.jpg"])
        // The original: most pixels and metadata.
        #expect(groups.first?.assets.first?.originalFilename == "Canon EOS 7D.jpg")
        #expect(groups.first?.keep == groups.first?.assets.first?.id)

        // A later import joins the group it belongs to (found through the catalog's index).
        summary = await library.import([dir.sub("later")])
        #expect(summary.imported == 1)
        groups = try library.nearDuplicateGroups()
        #expect(groups.map { Set($0.assets.map(\.originalFilename)) } == [["Canon EOS 7D.jpg", "sent.jpg", "sent.webp"]])

        // Found again from the stored hashes: the same pairs (3 in a group of 3).
        #expect(try library.rescanNearDuplicates() == 3)
        #expect(try library.nearDuplicateGroups().map { Set($0.assets.map(\.originalFilename)) } == [["Canon EOS 7D.jpg", "sent.jpg", "sent.webp"]])
    }
}

/// "More like this" over the import's embeddings.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct LibrarySimilarTests {
    @Test func similarFindsTheSamePictureFirstAndLeavesTheAssetOut() async throws {
        let dir = try TemporaryFolder()
        let series = Corpus.root + "/media/exif-samples/jpg/orientation"
        try FileManager.default.copyItem(atPath: series, toPath: dir.sub("photos"))
        for name in ["Canon EOS 7D.jpg", "Apple iPhone 4.jpg", "Nikon D5000.jpg"] {
            try FileManager.default.copyItem(atPath: Corpus.root + "/media/metadata-extractor-images/jpg/" + name, toPath: dir.sub("photos/" + name))
        }
        let library = try Library(at: dir.sub("library"))
        _ = await library.import([dir.sub("photos")])
        var byName: [String: AssetID] = [:]
        try library.forEachAsset { byName[$0.originalFilename] = $0.id; return true }
        let asset = try #require(byName["portrait_3.jpg"])
        let similar = try library.similar(to: asset, k: 7)
        #expect(similar.count == 7 && !similar.contains { $0.asset.id == asset })
        #expect(similar.allSatisfy { $0.asset.originalFilename.hasPrefix("portrait_") }, "\(similar.map(\.asset.originalFilename))")
        #expect(zip(similar, similar.dropFirst()).allSatisfy { $0.score >= $1.score })
        // A file that is not in the library: its own picture first.
        let byFile = try library.similar(toFile: series + "/landscape_1.jpg", k: 3)
        #expect(byFile.first?.asset.originalFilename == "landscape_1.jpg" && (byFile.first?.score ?? 0) > 0.99)
        #expect(throws: MediaStoreError.self) { try library.similar(toFile: dir.sub("missing.jpg")) }
    }
}
