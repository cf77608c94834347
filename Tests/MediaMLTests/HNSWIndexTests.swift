import Foundation
import Testing
@testable import MediaML
import Synchronization

@Suite struct HNSWIndexTests {
    /// Clustered vectors (as embeddings are): 40 centres, points scattered around them.
    static func clustered(_ n: Int, _ d: Int, seed: UInt64) -> [[Float]] {
        var state = seed
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
        }
        let centres = (0..<40).map { _ in (0..<d).map { _ in next() } }
        return (0..<n).map { i in centres[i % 40].map { $0 + 0.35 * next() } }
    }

    static func recall(_ index: HNSWIndex, _ oracle: FlatVectorIndex, _ queries: [[Float]], k: Int) -> Double {
        var hits = 0
        for q in queries {
            let truth = Set(oracle.search(q, k: k).map(\.id))
            hits += index.search(q, k: k).filter { truth.contains($0.id) }.count
        }
        return Double(hits) / Double(queries.count * k)
    }

    /// Recall@10 against the exact index, for both metrics; results come nearest first with the
    /// exact distances.
    @Test(arguments: [VectorMetric.cosine, .l2])
    func findsWhatTheExactIndexFinds(metric: VectorMetric) throws {
        let d = 16
        let base = Self.clustered(2000, d, seed: 5), queries = Self.clustered(100, d, seed: 6)
        var index = HNSWIndex(dimension: d, metric: metric, parameters: .init(m: 12, efConstruction: 64, ef: 64))
        var oracle = FlatVectorIndex(dimension: d, metric: metric)
        for (i, v) in base.enumerated() {
            try index.insert(v, id: Int64(i))
            try oracle.insert(v, id: Int64(i))
        }
        #expect(index.count == 2000)
        let r = Self.recall(index, oracle, queries, k: 10)
        #expect(r >= 0.95, "recall@10 \(r)")
        let found = index.search(queries[0], k: 10)
        #expect(found.count == 10 && zip(found, found.dropFirst()).allSatisfy { $0.distance <= $1.distance })
        let exact = Dictionary(uniqueKeysWithValues: oracle.search(queries[0], k: 2000).map { ($0.id, $0.distance) })
        for m in found { #expect(abs(m.distance - (exact[m.id] ?? .infinity)) < 1e-4) }
    }

    /// Removed vectors are never returned; the rest stay findable; an id added again is found
    /// at its new place.
    @Test func removedVectorsAreNotReturned() throws {
        let d = 8
        let base = Self.clustered(1000, d, seed: 9)
        var index = HNSWIndex(dimension: d, metric: .l2, parameters: .init(m: 8, efConstruction: 48, ef: 48))
        var oracle = FlatVectorIndex(dimension: d, metric: .l2)
        for (i, v) in base.enumerated() {
            try index.insert(v, id: Int64(i))
            try oracle.insert(v, id: Int64(i))
        }
        var removed = 0
        for i in stride(from: 0, to: 1000, by: 3) {
            if index.remove(id: Int64(i)) { removed += 1 }
            oracle.remove(id: Int64(i))
        }
        let again = index.remove(id: 0)
        #expect(removed == 334 && !again && index.count == 666)
        for q in base.prefix(50) { #expect(index.search(q, k: 10).allSatisfy { $0.id % 3 != 0 }) }
        #expect(Self.recall(index, oracle, Array(base.prefix(50)), k: 10) >= 0.9)
        try index.insert([100, 100, 100, 100, 100, 100, 100, 100], id: 1)
        #expect(index.search([100, 100, 100, 100, 100, 100, 100, 100], k: 1).map(\.id) == [1])
        #expect(index.count == 666)
    }

    /// Saved and loaded: the same answers without rebuilding; a damaged or foreign file is
    /// refused by name.
    @Test func savedAndLoadedIndexAnswersTheSame() throws {
        let d = 12
        let base = Self.clustered(800, d, seed: 3)
        var index = HNSWIndex(dimension: d, metric: .cosine, parameters: .init(m: 8, efConstruction: 40, ef: 40))
        for (i, v) in base.enumerated() { try index.insert(v, id: Int64(i) * 7) }
        index.remove(id: 14)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hnsw-\(UUID()).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try index.write(to: path)
        var loaded = try HNSWIndex(contentsOf: path)
        #expect(loaded.count == index.count && loaded.dimension == d && loaded.metric == .cosine && loaded.parameters == index.parameters)
        for q in base.prefix(30) { #expect(loaded.search(q, k: 5) == index.search(q, k: 5)) }
        // It goes on growing after the reload like the original would.
        try index.insert(base[1], id: 99_999)
        try loaded.insert(base[1], id: 99_999)
        #expect(loaded.search(base[1], k: 3) == index.search(base[1], k: 3))

        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        bytes.removeLast(3)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: MediaCoreError.self) { try HNSWIndex(contentsOf: path) }
        try Data("not an index".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try HNSWIndex(contentsOf: path)
            Issue.record("a foreign file was read")
        } catch {
            #expect(error.path == path)
        }
    }

    /// An index is a value: a copy changed afterwards leaves the original as it was, and `m`
    /// (the memory layout) cannot be changed after the fact.
    @Test func copiesAreIndependentValues() throws {
        let d = 10
        let base = Self.clustered(600, d, seed: 11)
        var index = HNSWIndex(dimension: d, metric: .l2, parameters: .init(m: 6, efConstruction: 40, ef: 40))
        for (i, v) in base.enumerated() { try index.insert(v, id: Int64(i)) }
        let answers = base.prefix(20).map { index.search($0, k: 5) }
        var copy = index
        for i in 0..<300 { copy.remove(id: Int64(i)) }
        try copy.insert(base[0], id: 5000)
        copy.parameters.m = 40
        #expect(copy.parameters.m == 6 && copy.count == 301 && copy.removedCount == 300)
        #expect(index.count == 600 && index.removedCount == 0)
        #expect(base.prefix(20).map { index.search($0, k: 5) } == answers)
        #expect(copy.search(base[0], k: 1).map(\.id) == [5000])
    }

    /// Searches of one index from several threads give what the same searches give one by one.
    @Test func concurrentSearchesAnswerAsSequentialOnes() throws {
        let d = 24
        let base = Self.clustered(3000, d, seed: 21), queries = Self.clustered(200, d, seed: 22)
        var index = HNSWIndex(dimension: d, metric: .cosine, parameters: .init(m: 12, efConstruction: 80, ef: 50))
        for (i, v) in base.enumerated() { try index.insert(v, id: Int64(i)) }
        let sequential = queries.map { index.search($0, k: 10) }
        let shared = index
        let results = Mutex([[VectorMatch]](repeating: [], count: queries.count))
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for q in stride(from: worker, to: queries.count, by: 4) {
                let found = shared.search(queries[q], k: 10)
                results.withLock { $0[q] = found }
            }
        }
        #expect(results.withLock { $0 } == sequential)
    }

    /// Every truncation of a saved file is refused with its name, never read past its end.
    @Test func everyTruncationIsRefused() throws {
        var index = HNSWIndex(dimension: 4, metric: .l2, parameters: .init(m: 4, efConstruction: 16))
        for (i, v) in Self.clustered(40, 4, seed: 2).enumerated() { try index.insert(v, id: Int64(i)) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hnsw-\(UUID()).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try index.write(to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try HNSWIndex(bytes: bytes, path: path).count == 40)
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: MediaCoreError.self) { try HNSWIndex(bytes: Array(bytes.prefix(cut)), path: path) }
        }
        #expect(throws: MediaCoreError.self) { try HNSWIndex(bytes: bytes + [0], path: path) }
    }

    /// Inputs the `hnsw` fuzz target found: a node count past Int32 trapped a conversion (now
    /// refused); an efConstruction of 134 million made the next insert allocate its heaps for
    /// that many (now at most the number of nodes).
    @Test(arguments: ["4d4b484e5357303204000000000000000200000008ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0000000800000004cccc4d4b484e53573032040000cd00",
                      "4d4b484e535730320400000000000000020000000800000800000000040000000400000000000000000000002a000000000000002b000000000000000000000000004f707fffffffffffffff020000000000000003000000000000000000003fcdccd33dcdcccc3d53747269010000000200000003000000ffffffff00000000000000000000000000000000000000000000000000000000cdcccc3d0000003fcdcccc3dcdcccc3d03000000000000000200000003000000ffffffff00000000000000000000000000000000000000000004000000000000cdcccc3dcdcccc3d0000003fcdcccc3d03000000000000000100000003000000ffffff00ffffffff00000000000000000000000000000000000000000000000000000000cdcccc3dcdcccc3dcdcccc3d0000003f03000000000000000100000002000000ffffffff0000000000000000000000000000000000000000000000000000000000000000"])
    func fuzzFoundFiles(hex: String) throws {
        let bytes = stride(from: 0, to: hex.count, by: 2).compactMap { i -> UInt8? in
            let start = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
        }
        // Refused, or loaded and then searchable and growable as the fuzz target does it.
        guard var index = try? HNSWIndex(bytes: bytes, path: "fuzz") else { return }
        let query = [Float](repeating: 0.5, count: index.dimension)
        _ = index.search(query, k: 5)
        let before = index.count
        try index.insert(query, id: 1)
        #expect(index.count >= before && !index.search(query, k: 5).isEmpty)
    }
}
