import Foundation
import GRDB
import Testing
import MediaML
import Synchronization
@testable import MediaStore

/// The library's persisted HNSW index behind `similar`: answers as the exact search does, is
/// saved in `indexes/` and reloaded without rebuilding, follows trash, deletions and other
/// processes' imports through the catalog's change log, and serves searches during an import.
@Suite struct LibraryVectorIndexTests {
    /// Gradient PNGs whose blue channel is `salt`: their embeddings differ by degrees.
    static func photos(_ dir: TemporaryFolder, _ folder: String, salts: some Sequence<Int>) throws {
        try FileManager.default.createDirectory(atPath: dir.sub(folder), withIntermediateDirectories: true)
        for salt in salts {
            try dir.write("\(folder)/p\(salt).png", PNGFixture.make(width: 96 + salt % 7 * 8, height: 72, salt: UInt8(salt * 4)))
        }
    }

    static func ids(_ library: Library) throws -> [String: AssetID] {
        var byName: [String: AssetID] = [:]
        try library.forEachAsset { byName[$0.originalFilename] = $0.id; return true }
        return byName
    }

    /// The exact answer: every stored vector of assets not in the trash compared with the asset's.
    static func exact(_ library: Library, _ asset: AssetID, k: Int) throws -> [AssetID] {
        let provider = ColorTextureDescriptor()
        var flat = FlatVectorIndex(dimension: provider.dimension, metric: .cosine)
        var ids: [AssetID] = []
        try library.catalog.forEachEmbedding(owner: library.defaultOwner, provider: provider.name) { id, v in
            guard id != asset else { return }
            try flat.insert(v, id: Int64(ids.count))
            ids.append(id)
        }
        let query = try #require(try library.catalog.embedding(of: asset, provider: provider.name))
        return flat.search(query, k: k).map { ids[Int($0.id)] }
    }

    static func indexFiles(_ library: Library) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: library.path + "/indexes")) ?? []).filter { $0.hasSuffix(".hnsw") }.sorted()
    }

    static func inode(_ path: String) throws -> UInt64 {
        try #require((try FileManager.default.attributesOfItem(atPath: path))[.systemFileNumber] as? UInt64)
    }

    @Test func answersAsTheExactSearchIsSavedAndReloadedWithoutRebuilding() async throws {
        let dir = try TemporaryFolder()
        try Self.photos(dir, "first", salts: 0..<40)
        var library: Library? = try Library(at: dir.sub("library"))
        let first = try #require(library)
        #expect(await first.import([dir.sub("first")]).imported == 40)
        // The import indexed and saved its vectors.
        let files = Self.indexFiles(first)
        #expect(files.count == 1 && files.first?.hasPrefix("color-texture-v1-\(first.defaultOwner)-") == true, "\(files)")
        let byName = try Self.ids(first)
        let asked = try (0..<40).filter { $0 % 4 == 0 }.map { try #require(byName["p\($0).png"]) }
        var answers: [[AssetID]] = []
        for asset in asked {
            let found = try first.similar(to: asset, k: 5).map(\.asset.id)
            #expect(found == (try Self.exact(first, asset, k: 5)))
            answers.append(found)
        }
        let file = first.path + "/indexes/" + (files.first ?? "")
        let saved = try Self.inode(file)

        // Opened again: the saved index answers; nothing was rebuilt or written.
        library = nil
        let reopened = try Library(at: dir.sub("library"))
        #expect(try asked.map { try reopened.similar(to: $0, k: 5).map(\.asset.id) } == answers)
        let inode = try Self.inode(file)
        #expect(Self.indexFiles(reopened) == files && inode == saved)

        // More photos: caught up and saved again under a later number, the old file removed.
        try Self.photos(dir, "later", salts: 40..<46)
        #expect(await reopened.import([dir.sub("later")]).imported == 6)
        let now = Self.indexFiles(reopened)
        #expect(now.count == 1 && now != files, "\(now)")
        let newcomer = try #require(try Self.ids(reopened)["p43.png"])
        #expect(try reopened.similar(to: newcomer, k: 5).map(\.asset.id) == (try Self.exact(reopened, newcomer, k: 5)))
        #expect(try HNSWIndex(contentsOf: reopened.path + "/indexes/" + (now.first ?? "")).count == 46)
    }

    @Test func trashedAndDeletedAssetsAreLeftOutAndADamagedFileIsBuiltAgain() async throws {
        let dir = try TemporaryFolder()
        try Self.photos(dir, "photos", salts: 0..<30)
        let library = try Library(at: dir.sub("library"))
        #expect(await library.import([dir.sub("photos")]).imported == 30)
        let byName = try Self.ids(library)
        let asset = try #require(byName["p10.png"])
        let before = try library.similar(to: asset, k: 4).map(\.asset.id)
        #expect(before.count == 4)
        let trashed = try #require(before.first), deleted = before[1]
        let pool = try #require(library.catalog as? SQLiteCatalog).pool
        try await pool.write { db in
            try db.execute(sql: "UPDATE assets SET trashed_at = 1 WHERE id = ?", arguments: [trashed.description])
            try db.execute(sql: "DELETE FROM assets WHERE id = ?", arguments: [deleted.description])
        }
        let after = try library.similar(to: asset, k: 4).map(\.asset.id)
        #expect(after.count == 4 && !after.contains(trashed) && !after.contains(deleted))
        #expect(after == (try Self.exact(library, asset, k: 4)))
        // The deletion reached the index through the change log (a trashed asset stays in it).
        let entry = library.vectorIndexes.entry(owner: library.defaultOwner, provider: ColorTextureDescriptor())
        #expect(try entry.search([Float](repeating: 0.1, count: ColorTextureDescriptor().dimension), k: 100, catalog: library.catalog).total == 29)

        // A damaged checkpoint is not trusted: the next library instance builds the index again.
        let file = try #require(Self.indexFiles(library).first)
        try Data("damaged".utf8).write(to: URL(fileURLWithPath: library.path + "/indexes/" + file))
        let reopened = try Library(at: dir.sub("library"))
        #expect(try reopened.similar(to: asset, k: 4).map(\.asset.id) == after)
        let rebuilt = try #require(Self.indexFiles(reopened).first)
        #expect(try HNSWIndex(contentsOf: reopened.path + "/indexes/" + rebuilt).count == 29)
    }

    /// Searches from several threads while an import adds vectors to the same index.
    @Test func searchesRunWhileAnImportAddsVectors() async throws {
        let dir = try TemporaryFolder()
        try Self.photos(dir, "first", salts: 0..<20)
        try Self.photos(dir, "second", salts: 20..<50)
        let library = try Library(at: dir.sub("library"))
        #expect(await library.import([dir.sub("first")]).imported == 20)
        let queries = try Array(Self.ids(library).values)
        let importing = Task { await library.import([dir.sub("second")]) }
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for i in 0..<60 {
                let found = (try? library.similar(to: queries[(worker * 60 + i) % queries.count], k: 5)) ?? []
                if found.count != 5 { failures.withLock { $0 += 1 } }
            }
        }
        #expect(await importing.value.imported == 30)
        #expect(failures.withLock { $0 } == 0)
        let all = try Self.ids(library)
        for name in ["p3.png", "p25.png", "p49.png"] {
            let asset = try #require(all[name])
            #expect(try library.similar(to: asset, k: 5).map(\.asset.id) == (try Self.exact(library, asset, k: 5)))
        }
    }
}
