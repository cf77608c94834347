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
