import CVectorMath
import Foundation

/// Approximate k-nearest-neighbour search over a hierarchical navigable small world graph
/// (Malkov & Yashunin, *Efficient and robust approximate nearest neighbor search using
/// Hierarchical Navigable Small World graphs*, IEEE TPAMI 2020, arXiv:1603.09320).
///
/// Every vector is a node on layer 0 and, with exponentially falling probability, on the layers
/// above; each layer links a node to at most ``Parameters/m`` neighbours (2·m on layer 0) chosen
/// by the paper's heuristic (algorithm 4), which keeps links that reach out in different
/// directions. A search descends greedily from the top layer's entry point and then explores
/// layer 0 with a candidate list of ``Parameters/ef`` entries. Removing a vector marks it: it is
/// still walked through, never returned (as hnswlib's `markDeleted`); adding the id again adds a
/// new node.
///
/// ```swift
/// var index = HNSWIndex(dimension: 384, metric: .cosine, parameters: .init(m: 16, efConstruction: 200))
/// for (id, v) in vectors { try index.insert(v, id: id) }
/// index.parameters.ef = 64
/// let top10 = index.search(query, k: 10)
/// try index.write(to: "library/vectors.hnsw")          // reloaded with HNSWIndex(contentsOf:)
/// ```
/// - Complexity: insert and search about O(log n) distance computations times m or ef.
public struct HNSWIndex: VectorIndex {
    /// The graph's shape and the search's breadth.
    public struct Parameters: Sendable, Hashable, Codable {
        /// Links per node on the upper layers (2·m on layer 0). Default 16.
        public var m: Int
        /// Candidate list while inserting. Default 200.
        public var efConstruction: Int
        /// Candidate list while searching (at least k is used). Default 64.
        public var ef: Int
        /// Seed of the level draws, so that a build is reproducible. Default 42.
        public var seed: UInt64

        /// Creates parameters.
        public init(m: Int = 16, efConstruction: Int = 200, ef: Int = 64, seed: UInt64 = 42) {
            self.m = max(2, m)
            self.efConstruction = max(1, efConstruction)
            self.ef = max(1, ef)
            self.seed = seed
        }
    }

    public let dimension: Int
    public let metric: VectorMetric
    /// The parameters; `ef` may be changed at any time.
    public var parameters: Parameters

    /// Node n's vector at storage[n·d ..< (n+1)·d].
    private var storage: [Float] = []
    private(set) var ids: [Int64] = []
    private var deleted: [Bool] = []
    private var nodeOf: [Int64: Int32] = [:]
    /// Layer 0: node n's links at links0[n·m0 ..< n·m0 + count0[n]].
    private var links0: [Int32] = []
    private var count0: [UInt8] = []
    /// Layers 1 and up: upper[n][layer - 1] (empty for nodes on layer 0 only).
    private var upper: [[[Int32]]] = []
    private(set) var entry: Int32 = -1
    private(set) var topLayer = -1
    private var rng: UInt64
    private var live = 0

    /// An empty index.
    public init(dimension: Int, metric: VectorMetric, parameters: Parameters = Parameters()) {
        self.dimension = max(1, dimension)
        self.metric = metric
        self.parameters = parameters
        rng = parameters.seed | 1
    }

    public var count: Int { live }

    private var m0: Int { 2 * parameters.m }

    // MARK: - Changes

    public mutating func insert(_ vector: [Float], id: Int64) throws(MediaCoreError) {
        let v = try metric.prepare(vector, dimension: dimension)
        if nodeOf[id] != nil { remove(id: id) }
        let node = Int32(ids.count)
        let level = drawLevel()
        ids.append(id)
        deleted.append(false)
        storage.append(contentsOf: v)
        links0.append(contentsOf: repeatElement(-1, count: m0))
        count0.append(0)
        upper.append(Array(repeating: [], count: level))
        nodeOf[id] = node
        live += 1
        guard entry >= 0 else {
            entry = node
            topLayer = level
            return
        }
        var ep = entry
        var epDistance = distance(node, ep)
        if topLayer > level {
            for layer in stride(from: topLayer, to: level, by: -1) { (ep, epDistance) = greedy(node, from: ep, distance: epDistance, layer: layer) }
        }
        var found = [(Float, Int32)]()
        for layer in stride(from: min(level, topLayer), through: 0, by: -1) {
            found = searchLayer(query: node, entries: [(epDistance, ep)], ef: parameters.efConstruction, layer: layer)
            let capacity = layer == 0 ? m0 : parameters.m
            let chosen = selectNeighbours(found, capacity: parameters.m)
            setLinks(node, layer: layer, chosen.map(\.1))
            for (_, other) in chosen { link(other, to: node, layer: layer, capacity: capacity) }
            (epDistance, ep) = found[0]
        }
        if level > topLayer {
            entry = node
            topLayer = level
        }
    }

    @discardableResult
    public mutating func remove(id: Int64) -> Bool {
        guard let node = nodeOf.removeValue(forKey: id) else { return false }
        deleted[Int(node)] = true
        live -= 1
        return true
    }

    // MARK: - Search

    public func search(_ query: [Float], k: Int) -> [VectorMatch] {
        guard k > 0, entry >= 0, let q = try? metric.prepare(query, dimension: dimension) else { return [] }
        return q.withUnsafeBufferPointer { qp -> [VectorMatch] in
            guard let qa = qp.baseAddress else { return [] }
            var ep = entry
            var epDistance = distance(qa, ep)
            if topLayer > 0 {
                for layer in stride(from: topLayer, to: 0, by: -1) { (ep, epDistance) = greedy(qa, from: ep, distance: epDistance, layer: layer) }
            }
            let found = searchLayer(query: qa, entries: [(epDistance, ep)], ef: max(parameters.ef, k), layer: 0, skipDeleted: true)
            return found.prefix(k).map { VectorMatch(id: ids[Int($0.1)], distance: $0.0) }
        }
    }

    // MARK: - For saving and loading (HNSWIndex+File.swift)

    /// One node as saved.
    struct NodeRecord {
        var id: Int64
        var deleted: Bool
        var vector: [Float]
        var links: [Int32]
        var upper: [[Int32]]
    }

    var generatorState: UInt64 { rng }
    func isDeleted(_ node: Int) -> Bool { deleted[node] }
    func vector(_ node: Int) -> [Float] { Array(storage[node * dimension..<(node + 1) * dimension]) }
    func layerZeroLinks(_ node: Int) -> [Int32] { Array(neighbours(Int32(node), layer: 0)) }
    func upperLinks(_ node: Int) -> [[Int32]] { upper[node] }

    /// Rebuilds the state from saved nodes (already checked for range by the reader).
    mutating func restore(_ records: [NodeRecord], entry: Int32, topLayer: Int, live: Int,
                          generatorState: UInt64) throws(MediaCoreError) {
        for (n, r) in records.enumerated() {
            guard r.vector.count == dimension, r.links.count <= m0, r.upper.allSatisfy({ $0.count <= parameters.m }) else {
                throw MediaCoreError(.corrupt, "the vector index is damaged: node \(n) does not fit its parameters")
            }
            ids.append(r.id)
            deleted.append(r.deleted)
            storage.append(contentsOf: r.vector)
            links0.append(contentsOf: r.links + Array(repeating: -1, count: m0 - r.links.count))
            count0.append(UInt8(r.links.count))
            upper.append(r.upper)
            if !r.deleted { nodeOf[r.id] = Int32(n) }
        }
        // Links to upper layers a node is not on would be read out of range.
        for r in records {
            for (layer, targets) in r.upper.enumerated() where targets.contains(where: { upper[Int($0)].count <= layer }) {
                throw MediaCoreError(.corrupt, "the vector index is damaged: a link on layer \(layer + 1) to a node not on it")
            }
        }
        guard nodeOf.count == live, entry < 0 || upper[Int(entry)].count == topLayer else {
            throw MediaCoreError(.corrupt, "the vector index is damaged: its counts or entry point disagree")
        }
        self.entry = entry
        self.topLayer = topLayer
        self.live = live
        rng = generatorState | 1
    }

    // MARK: - The graph

    private func distance(_ a: Int32, _ b: Int32) -> Float {
        storage.withUnsafeBufferPointer { s in
            guard let base = s.baseAddress else { return .infinity }
            return VectorMath.distance(metric, base + Int(a) * dimension, base + Int(b) * dimension, dimension)
        }
    }

    private func distance(_ q: UnsafePointer<Float>, _ b: Int32) -> Float {
        storage.withUnsafeBufferPointer { s in
            guard let base = s.baseAddress else { return .infinity }
            return VectorMath.distance(metric, q, base + Int(b) * dimension, dimension)
        }
    }

    private func neighbours(_ node: Int32, layer: Int) -> ArraySlice<Int32> {
        if layer == 0 {
            let start = Int(node) * m0
            return links0[start..<start + Int(count0[Int(node)])]
        }
        return upper[Int(node)][layer - 1][...]
    }

    private mutating func setLinks(_ node: Int32, layer: Int, _ targets: [Int32]) {
        if layer == 0 {
            let start = Int(node) * m0
            for (i, t) in targets.prefix(m0).enumerated() { links0[start + i] = t }
            count0[Int(node)] = UInt8(min(targets.count, m0))
        } else {
            upper[Int(node)][layer - 1] = Array(targets.prefix(parameters.m))
        }
    }

    /// Adds a link from `node` to `target`; past capacity, the node's links are chosen again
    /// by the heuristic among the old ones and the new one.
    private mutating func link(_ node: Int32, to target: Int32, layer: Int, capacity: Int) {
        var current = Array(neighbours(node, layer: layer))
        if current.count < capacity {
            current.append(target)
            setLinks(node, layer: layer, current)
            return
        }
        current.append(target)
        let candidates = current.map { (distance(node, $0), $0) }.sorted { $0 < $1 }
        setLinks(node, layer: layer, selectNeighbours(candidates, capacity: capacity).map(\.1))
    }

    /// The paper's heuristic (algorithm 4, without extending or keeping pruned links): in order
    /// of distance, a candidate is kept when it is nearer to the base than to every candidate kept.
    private func selectNeighbours(_ sorted: [(Float, Int32)], capacity: Int) -> [(Float, Int32)] {
        var kept: [(Float, Int32)] = []
        kept.reserveCapacity(capacity)
        for candidate in sorted {
            if kept.count >= capacity { break }
            if kept.allSatisfy({ distance(candidate.1, $0.1) > candidate.0 }) { kept.append(candidate) }
        }
        return kept
    }

    private func greedy(_ node: Int32, from start: Int32, distance d0: Float, layer: Int) -> (Int32, Float) {
        storage.withUnsafeBufferPointer { s in
            guard let base = s.baseAddress else { return (start, d0) }
            return greedy(base + Int(node) * dimension, from: start, distance: d0, layer: layer)
        }
    }

    /// Layer `layer`'s nearest node to q reached by always moving to a nearer neighbour.
    private func greedy(_ q: UnsafePointer<Float>, from start: Int32, distance d0: Float, layer: Int) -> (Int32, Float) {
        var best = start, bestDistance = d0
        var changed = true
        while changed {
            changed = false
            for n in neighbours(best, layer: layer) {
                let d = distance(q, n)
                if d < bestDistance { best = n; bestDistance = d; changed = true }
            }
        }
        return (best, bestDistance)
    }

    private func searchLayer(query node: Int32, entries: [(Float, Int32)], ef: Int, layer: Int) -> [(Float, Int32)] {
        storage.withUnsafeBufferPointer { s in
            guard let base = s.baseAddress else { return entries }
            // The node's own vector is read from storage, which this search does not change.
            return searchLayer(query: base + Int(node) * dimension, entries: entries, ef: ef, layer: layer, skipDeleted: false)
        }
    }

    /// Algorithm 2: the `ef` nearest nodes to q found from the entries, nearest first.
    private func searchLayer(query q: UnsafePointer<Float>, entries: [(Float, Int32)], ef: Int, layer: Int,
                             skipDeleted: Bool = false) -> [(Float, Int32)] {
        // One bit per node, cleared per search: cheaper than a hash set, and a search shares
        // nothing mutable with other searches.
        var visited = [UInt64](repeating: 0, count: (ids.count + 63) / 64)
        var candidates = Heap<NearestFirst>()    // to explore
        var results = Heap<FarthestFirst>()      // the ef best, farthest on top
        for e in entries {
            visited[Int(e.1) >> 6] |= 1 << UInt64(e.1 & 63)
            candidates.push(e)
            if !(skipDeleted && deleted[Int(e.1)]) { results.push(e) }
        }
        let d = dimension, m0 = m0
        let cosine = metric == .cosine
        guard let kernel = cosine ? vm_dot_kernel() : vm_l2sq_kernel() else { return [] }
        var batch = [Int32](repeating: 0, count: max(m0, parameters.m))
        storage.withUnsafeBufferPointer { s in
            links0.withUnsafeBufferPointer { l0 in
            count0.withUnsafeBufferPointer { c0 in
            visited.withUnsafeMutableBufferPointer { seen in
            batch.withUnsafeMutableBufferPointer { fresh in
                guard let base = s.baseAddress, let links = l0.baseAddress, let counts = c0.baseAddress,
                      let bits = seen.baseAddress, let batch = fresh.baseAddress else { return }
                while let c = candidates.pop() {
                    if results.count >= ef, let worst = results.top, c.0 > worst.0 { break }
                    // The next candidate's links are wanted soon: fetch them while this one is measured.
                    if layer == 0, let next = candidates.top { vm_prefetch(links + Int(next.1) * m0, m0 * 4) }
                    // The unvisited neighbours first, their vectors prefetched, then measured.
                    var fresh = 0
                    let node = Int(c.1)
                    let count = layer == 0 ? Int(counts[node]) : upper[node][layer - 1].count
                    for i in 0..<count {
                        let n = layer == 0 ? links[node * m0 + i] : upper[node][layer - 1][i]
                        let word = Int(n) >> 6, bit: UInt64 = 1 << UInt64(n & 63)
                        if bits[word] & bit != 0 { continue }
                        bits[word] |= bit
                        batch[fresh] = n
                        fresh += 1
                        vm_prefetch(base + Int(n) * d, d * 4)
                    }
                    for i in 0..<fresh {
                        let n = batch[i]
                        let raw = kernel(q, base + Int(n) * d, d)
                        let dist = cosine ? 1 - raw : raw
                        if results.count < ef || dist < (results.top?.0 ?? .infinity) {
                            candidates.push((dist, n))
                            if !(skipDeleted && deleted[Int(n)]) {
                                results.push((dist, n))
                                if results.count > ef { _ = results.pop() }
                            }
                        }
                    }
                }
            }
            }
            }
            }
        }
        return results.items.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// A level drawn from the paper's distribution, floor(−ln(U) · mL) with mL = 1/ln(m).
    private mutating func drawLevel() -> Int {
        rng ^= rng << 13
        rng ^= rng >> 7
        rng ^= rng << 17
        let u = (Double(rng >> 11) + 0.5) / Double(1 << 53)
        return min(30, Int(-log(u) / log(Double(parameters.m))))
    }

    /// A binary heap of (distance, node), nearest or farthest on top. The order is a type
    /// parameter, so each heap's comparisons compile to one instruction.
    struct Heap<Order: HeapOrder> {
        private(set) var items: [(Float, Int32)] = []

        init() { items.reserveCapacity(64) }

        var count: Int { items.count }
        var top: (Float, Int32)? { items.first }

        mutating func push(_ e: (Float, Int32)) {
            items.append(e)
            var i = items.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                guard Order.above(items[i].0, items[p].0) else { break }
                items.swapAt(i, p)
                i = p
            }
        }

        mutating func pop() -> (Float, Int32)? {
            guard let first = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                let n = items.count
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var w = i
                    if l < n, Order.above(items[l].0, items[w].0) { w = l }
                    if r < n, Order.above(items[r].0, items[w].0) { w = r }
                    if w == i { break }
                    items.swapAt(i, w)
                    i = w
                }
            }
            return first
        }
    }
}

/// Which end of a ``HNSWIndex`` heap is on top.
protocol HeapOrder {
    static func above(_ a: Float, _ b: Float) -> Bool
}

/// The nearest on top (the candidates to explore).
enum NearestFirst: HeapOrder {
    @inline(__always) static func above(_ a: Float, _ b: Float) -> Bool { a < b }
}

/// The farthest on top (the best ef found, the worst of them first out).
enum FarthestFirst: HeapOrder {
    @inline(__always) static func above(_ a: Float, _ b: Float) -> Bool { a > b }
}
