import Foundation
import Testing
@testable import MediaStore

@Suite struct LibraryExportTests {
    static func library(_ dir: TemporaryFolder) async throws -> Library {
        try dir.write("photos/2021/IMG_1.jpg", JPEGFixture.make(date: "2021:04:11 15:47:53", salt: "1"))
        try dir.write("photos/other/IMG_1.jpg", JPEGFixture.make(date: "2021:04:12 08:00:00", salt: "2"))
        try dir.write("photos/IMG_3.jpg", JPEGFixture.make(date: "2019:12:31 23:59:59", offset: nil, salt: "3"))
        let library = try Library(at: dir.sub("library"))
        let summary = await library.import([dir.sub("photos")])
        #expect(summary.imported == 3)
        return library
    }

    @Test func exportWritesAPlainTreeWithSidecars() async throws {
        let dir = try TemporaryFolder()
        let library = try await Self.library(dir)
        let summary = try await library.export(to: dir.sub("out"))
        #expect(summary.exported == 3 && summary.renamed == 1 && summary.sidecars == 3)
        #expect(summary.linked == 3, "same file system: hard links")
        let files = Set(try FileManager.default.subpathsOfDirectory(atPath: dir.sub("out")))
        #expect(files.isSuperset(of: ["2021/04/IMG_1.jpg", "2021/04/IMG_1 (1).jpg", "2019/12/IMG_3.jpg", "2019/12/IMG_3.jpg.xmp"]))

        // The sidecar carries the catalog's metadata back to any XMP reader, MediaKit's included.
        let sidecar = try String(contentsOfFile: dir.sub("out/2019/12/IMG_3.jpg.xmp"), encoding: .utf8)
        #expect(sidecar.contains("2019-12-31T23:59:59"))
        var onlySidecar = StandardMetadataReader.Configuration()
        onlySidecar.usesFileTimesAsFallback = false
        let copy = try dir.write("check/IMG_3.jpg", [0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, 0xFF, 0xD9])
        try FileManager.default.copyItem(atPath: dir.sub("out/2019/12/IMG_3.jpg.xmp"), toPath: copy + ".xmp")
        let read = try StandardMetadataReader(configuration: onlySidecar).read(path: copy)
        #expect(read.capturedAt?.text == "2019-12-31T23:59:59")
        #expect(read.make == "MediaKit")

        // Again: nothing new.
        let again = try await library.export(to: dir.sub("out"))
        #expect(again.exported == 0 && again.unchanged == 3)
    }

    @Test func templatesCannotEscapeTheTarget() throws {
        for bad in ["/abs/{filename}", "../{filename}", "{yyyy}/../../{filename}", "{yyyy}/{MM}", "a//{filename}"] {
            #expect(throws: MediaStoreError.self) { _ = try ExportTemplate(bad) }
        }
        let template = try ExportTemplate("{make}/{filename}")
        var metadata = MediaMetadata(format: .jpeg)
        metadata.make = "../../etc"
        let asset = Asset(id: AssetID(), ownerID: UserID(), hash: ContentHash.of([1]), size: 1,
                          originalFilename: "../../passwd\u{0}.jpg", metadata: metadata)
        let rendered = template.render(asset)
        #expect(!rendered.split(separator: "/").contains(".."))
        #expect(rendered.split(separator: "/").count == 2)
        #expect(!rendered.contains("\u{0}"))
    }

    @Test func backupIsALibraryThatRestoresAndVerifies() async throws {
        let dir = try TemporaryFolder()
        let library = try await Self.library(dir)
        let first = try await library.backup(to: dir.sub("backup"))
        #expect(first.assets == 3 && first.objectsWritten == 3)
        // More photos, then an incremental backup.
        try dir.write("more/new.jpg", JPEGFixture.make(salt: "new"))
        _ = await library.import([dir.sub("more")])
        let second = try await library.backup(to: dir.sub("backup"))
        #expect(second.assets == 4 && second.objectsWritten == 1 && second.objectsPresent == 3)

        // Restoring is copying the folder back.
        try FileManager.default.copyItem(atPath: dir.sub("backup"), toPath: dir.sub("restored"))
        let restored = try Library(at: dir.sub("restored"))
        let report = try await restored.verify(deep: true)
        #expect(report.isClean && report.assetsChecked == 4 && report.objectsChecked == 4)
        #expect(restored.defaultOwner == library.defaultOwner)

        await #expect(throws: MediaStoreError.self) { _ = try await library.backup(to: dir.sub("library/inside")) }
        await #expect(throws: MediaStoreError.self) { _ = try await library.backup(to: dir.sub("photos")) }
    }

    @Test func verifyFindsMissingAndOrphanedObjects() async throws {
        let dir = try TemporaryFolder()
        let library = try await Self.library(dir)
        #expect(try await library.verify(deep: true).isClean)
        var first: Asset?
        try library.forEachAsset { first = $0; return false }
        let asset = try #require(first)
        let object = try #require(library.blobs.localPath(of: asset.hash.sha256))
        try FileManager.default.removeItem(atPath: object)
        // An object nobody refers to.
        let stray = ContentHash.of([9, 9, 9])
        let store = try #require(library.blobs as? FileSystemBlobStore)
        try dir.write(String(store.objectPath(stray.sha256).dropFirst(dir.path.count + 1)), [9, 9, 9])
        let report = try await library.verify()
        #expect(report.problems.count == 2)
        #expect(report.problems.contains(.missingOriginal(asset: asset.id, sha256: asset.hash.sha256, path: nil)))
        #expect(report.problems.contains { if case .orphanObject(let h, _) = $0 { h == stray.sha256 } else { false } })
    }
}
