import Testing
@testable import MediaML

@Suite struct FlatVectorIndexTests {
    static func random(_ n: Int, _ d: Int, seed: UInt64) -> [[Float]] {
        var state = seed
        return (0..<n).map { _ in
            (0..<d).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
            }
        }
    }

    /// The SIMD search returns what a plain scan in Double returns, for both metrics, with a
    /// dimension that is not a multiple of the lane count.
    @Test(arguments: [VectorMetric.cosine, .l2])
    func searchMatchesAPlainScan(metric: VectorMetric) throws {
        let d = 37
        let base = Self.random(500, d, seed: 1), queries = Self.random(20, d, seed: 2)
        var index = FlatVectorIndex(dimension: d, metric: metric)
        for (i, v) in base.enumerated() { try index.insert(v, id: Int64(i)) }
        func distance(_ a: [Float], _ b: [Float]) -> Double {
            let x = a.map(Double.init), y = b.map(Double.init)
            if metric == .l2 { return zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            let dot = zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }
            let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return 1 - dot / (nx * ny)
        }
        for q in queries {
            let distances = base.map { distance(q, $0) }
            let expected = base.indices.sorted { (distances[$0], $0) < (distances[$1], $1) }.prefix(10).map(Int64.init)
            let found = index.search(q, k: 10)
            #expect(found.map(\.id) == Array(expected))
            for m in found { #expect(abs(Double(m.distance) - distances[Int(m.id)]) < 1e-4) }
        }
    }

    @Test func replaceRemoveAndBadVectors() throws {
        var index = FlatVectorIndex(dimension: 2, metric: .l2)
        try index.insert([0, 0], id: 1)
        try index.insert([5, 5], id: 2)
        try index.insert([9, 9], id: 3)
        #expect(index.search([5, 4], k: 1).map(\.id) == [2])
        try index.insert([0, 1], id: 2)  // replaced
        #expect(index.count == 3 && index.search([8, 8], k: 1).map(\.id) == [3])
        #expect(index.search([5, 4], k: 1).map(\.id) == [2])  // [0, 1]: 34 against 41 and 41
        #expect(index.remove(id: 1) && !index.remove(id: 1))
        #expect(index.count == 2 && index.search([0, 0], k: 5).map(\.id) == [2, 3])
        #expect(throws: MediaCoreError.self) { try index.insert([1, 2, 3], id: 4) }
        #expect(throws: MediaCoreError.self) { try index.insert([.nan, 0], id: 4) }
        #expect(index.search([1], k: 3).isEmpty && index.search([1, 1], k: 0).isEmpty)
    }
}
