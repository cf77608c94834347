import Foundation
import Testing
import GRDB
import MediaML
@_spi(Benchmarks) @testable import MediaStore

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

    /// The lookups run on hashes in memory: rows another library instance (another process)
    /// writes are caught up, a deleted asset is never paired, and a rolled-back transaction's
    /// rows (whose change numbers are used again) do not hide the rows written after it.
    @Test func hashesInMemoryFollowOtherWritersDeletionsAndRollbacks() async throws {
        let dir = try TemporaryFolder()
        let media = Corpus.root + "/media/"
        let original = media + "metadata-extractor-images/jpg/Canon EOS 7D.jpg"
        let other = media + "exif-samples/jpg/Canon_40D.jpg"
        let thumbnailer = try VipsThumbnailer()
        let rendered = try thumbnailer.render(path: original, metadata: StandardMetadataReader().read(path: original))
        for folder in ["one", "two", "three", "four", "five"] {
            try FileManager.default.createDirectory(atPath: dir.sub(folder), withIntermediateDirectories: true)
        }
        try FileManager.default.copyItem(atPath: original, toPath: dir.sub("one/original.jpg"))
        try FileManager.default.copyItem(atPath: other, toPath: dir.sub("one/other.jpg"))
        try dir.write("two/sent.jpg", rendered.preview.bytes)
        try dir.write("three/sent.webp", rendered.thumbnail.bytes)
        let again = try thumbnailer.render(path: dir.sub("two/sent.jpg"), metadata: StandardMetadataReader().read(path: dir.sub("two/sent.jpg")))
        try dir.write("four/forwarded.jpg", again.preview.bytes)
        try dir.write("five/forwarded.webp", again.thumbnail.bytes)

        let a = try Library(at: dir.sub("library"))
        #expect(await a.import([dir.sub("one")]).imported == 2)
        let pool = try #require(a.catalog as? SQLiteCatalog).pool
        func pairs() throws -> Set<Set<String>> {
            try Set(pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT x.original_filename, y.original_filename FROM near_duplicates n
                    JOIN assets x ON x.id = n.asset_id JOIN assets y ON y.id = n.other_id
                    """).map { Set([$0[0] as String, $0[1] as String]) }
            })
        }
        // Another instance (as another process would) adds a copy; this one's next import sees it.
        let b = try Library(at: dir.sub("library"))
        #expect(await b.import([dir.sub("two")]).imported == 1)
        #expect(await a.import([dir.sub("three")]).imported == 1)
        #expect(try pairs() == [["original.jpg", "sent.jpg"], ["original.jpg", "sent.webp"], ["sent.jpg", "sent.webp"]])

        // A rolled-back write, then another instance's copy under the number it had used.
        var byName: [String: AssetID] = [:]
        try a.forEachAsset { byName[$0.originalFilename] = $0.id; return true }
        let otherID = try #require(byName["other.jpg"])
        let originalHash = try #require(try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT phash, dhash FROM perceptual_hashes WHERE asset_id = ?", arguments: [byName["original.jpg"]?.description])
        }.map { PerceptualHash(phash: UInt64(bitPattern: $0[0]), dhash: UInt64(bitPattern: $0[1])) })
        _ = try a.timePerceptualHashRecordsForBenchmark([(otherID, originalHash)], keep: false)
        #expect(await b.import([dir.sub("four")]).imported == 1)
        #expect(await a.import([dir.sub("five")]).imported == 1)
        #expect(try pairs().contains(["forwarded.jpg", "forwarded.webp"]))
        #expect(try !pairs().contains { $0.contains("other.jpg") })

        // A deleted asset is never paired (its pair row could not even be written).
        try await pool.write { db in try db.execute(sql: "DELETE FROM assets WHERE original_filename = 'original.jpg'") }
        try FileManager.default.copyItem(atPath: original, toPath: dir.sub("back.jpg"))
        let back = await a.import([dir.sub("back.jpg")])
        #expect(back.imported == 1 && back.failed == 0, "\(back.failures)")
        #expect(try pairs().contains(["back.jpg", "sent.jpg"]) && !pairs().contains { $0.contains("original.jpg") })
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
