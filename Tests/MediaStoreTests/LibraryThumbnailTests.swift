import Foundation
import Testing
@testable import MediaStore

/// Derived files made by the import (skipped when ../shared/corpus is absent).
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct LibraryThumbnailTests {
    @Test func importMakesPreviewThumbnailAndThumbHashOrSaysWhyNot() async throws {
        let dir = try TemporaryFolder()
        let media = Corpus.root + "/media/"
        for name in ["exif-samples/jpg/orientation/portrait_6.jpg", "exif-samples/heic/IMG_5195.HEIC",
                     "metadata-extractor-images/mov/with-gps.mov"] {
            try FileManager.default.copyItem(atPath: media + name, toPath: dir.sub((name as NSString).lastPathComponent))
        }
        // A JPEG whose header reads but whose pixels are gone.
        try dir.write("cut.jpg", JPEGFixture.make(width: 640, height: 480))
        let library = try Library(at: dir.sub("library"))
        let summary = await library.import([dir.path])
        #expect(summary.imported == 4 && summary.failed == 0, "\(summary.failures)")

        var byName: [String: Asset] = [:]
        try library.forEachAsset { byName[$0.originalFilename] = $0; return true }
        for name in ["portrait_6.jpg", "IMG_5195.HEIC"] {
            let asset = try #require(byName[name])
            let files = try library.derivedFiles(of: asset.id)
            #expect(files.count == 2 && files.allSatisfy { $0.status == .ready }, "\(name): \(files)")
            for file in files {
                let path = try #require(library.path(of: file))
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                #expect(Int64(bytes.count) == file.size)
                let expected = file.kind == .preview ? min(1440, min(asset.metadata.width ?? 0, asset.metadata.height ?? 0)) : 250
                #expect(min(file.width ?? 0, file.height ?? 0) == expected, "\(name) \(file.kind)")
                #expect(MediaFormat.sniff(bytes) == (file.kind == .preview ? .jpeg : .webp))
            }
            #expect((asset.thumbhash?.count ?? 0) >= 20, "\(name) has a ThumbHash")
        }
        // Upright: the portrait stored on its side comes out portrait.
        let portraitAsset = try #require(byName["portrait_6.jpg"])
        let portrait = try #require(try library.derivedFiles(of: portraitAsset.id).first { $0.kind == .thumbnail })
        #expect((portrait.height ?? 0) > (portrait.width ?? 0))

        let videoAsset = try #require(byName["with-gps.mov"])
        let video = try library.derivedFiles(of: videoAsset.id)
        #expect(video.count == 2 && video.allSatisfy { $0.status == .unsupported })
        let cutAsset = try #require(byName["cut.jpg"])
        let cut = try library.derivedFiles(of: cutAsset.id)
        #expect(cut.count == 2 && cut.allSatisfy { $0.status == .failed && ($0.error ?? "").contains("cut.jpg") }, "\(cut)")
        #expect(try await library.verify(deep: true).isClean)
    }
}
