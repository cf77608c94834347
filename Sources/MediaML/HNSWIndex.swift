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
    /// The parameters. `ef` and `efConstruction` may be changed at any time; `m` is fixed when
    /// the index is made (it sets the memory layout), so a change of it is ignored.
    public var parameters: Parameters {
        didSet { parameters.m = nodes.m }
    }

    /// Layer 0 and the vectors, one block per node (shared by copies until one changes).
    var nodes: NodeBlocks
    /// Node n's id.
    var ids: [Int64] = []
    /// The node of each id that is not removed.
    var nodeOf: [Int64: Int32] = [:]
    /// Layers 1 and up: upper[n][layer - 1] (empty for nodes on layer 0 only).
    var upper: [[[Int32]]] = []
    var entry: Int32 = -1
    var topLayer = -1
    /// State of the level draws.
    var rng: UInt64
    /// Nodes not removed.
    var live = 0

    /// An empty index.
    public init(dimension: Int, metric: VectorMetric, parameters: Parameters = Parameters()) {
        self.dimension = max(1, dimension)
        self.metric = metric
        self.parameters = parameters
        nodes = NodeBlocks(dimension: self.dimension, m: parameters.m)
        rng = parameters.seed | 1
    }

    public var count: Int { live }

    /// Removed vectors still in the graph (walked through, never returned); an index with many
    /// is worth building again from its live vectors.
    public var removedCount: Int { ids.count - live }

    private var m: Int { nodes.m }
    private var m0: Int { nodes.m0 }

    // MARK: - Changes

    public mutating func insert(_ vector: [Float], id: Int64) throws(MediaCoreError) {
        let v = try metric.prepare(vector, dimension: dimension)
        if nodeOf[id] != nil { remove(id: id) }
        if !isKnownUniquelyReferenced(&nodes) { nodes = nodes.copy() }
        let node = nodes.append(v)
        let level = drawLevel()
        ids.append(id)
        upper.append(Array(repeating: [], count: level))
        nodeOf[id] = node
        live += 1
        guard entry >= 0 else {
            entry = node
            topLayer = level
            return
        }
        // The new node's own vector is the query; no block moves until the next append.
        let q = UnsafePointer(nodes.vector(node))
        var ep = entry
        var epDistance = distance(q, ep)
        if topLayer > level {
            for layer in stride(from: topLayer, to: level, by: -1) { (ep, epDistance) = greedy(q, from: ep, distance: epDistance, layer: layer) }
        }
        for layer in stride(from: min(level, topLayer), through: 0, by: -1) {
            let found = searchLayer(q, from: (epDistance, ep), ef: parameters.efConstruction, layer: layer, skipDeleted: false)
            let chosen = selectNeighbours(found, capacity: m)
            setLinks(node, layer: layer, chosen.map(\.1))
            for (_, other) in chosen { link(other, to: node, layer: layer, capacity: layer == 0 ? m0 : m) }
            if let nearest = found.first { (epDistance, ep) = nearest }
        }
        if level > topLayer {
            entry = node
            topLayer = level
        }
    }

    @discardableResult
    public mutating func remove(id: Int64) -> Bool {
        guard let node = nodeOf.removeValue(forKey: id) else { return false }
        if !isKnownUniquelyReferenced(&nodes) { nodes = nodes.copy() }
        nodes.markDeleted(node)
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
            let found = searchLayer(qa, from: (epDistance, ep), ef: max(parameters.ef, k), layer: 0, skipDeleted: true)
            return found.prefix(k).map { VectorMatch(id: ids[Int($0.1)], distance: $0.0) }
        }
    }

    // MARK: - The graph

    private func distance(_ q: UnsafePointer<Float>, _ b: Int32) -> Float {
        VectorMath.distance(metric, q, nodes.vector(b), dimension)
    }

    private func distance(_ a: Int32, _ b: Int32) -> Float {
        VectorMath.distance(metric, nodes.vector(a), nodes.vector(b), dimension)
    }

    private func neighbours(_ node: Int32, layer: Int) -> [Int32] {
        if layer == 0 {
            let links = nodes.links(node)
            return (0..<nodes.linkCount(node)).map { links[$0] }
        }
        return upper[Int(node)][layer - 1]
    }

    private mutating func setLinks(_ node: Int32, layer: Int, _ targets: [Int32]) {
        if layer == 0 {
            nodes.setLinks(node, targets.prefix(m0))
        } else {
            upper[Int(node)][layer - 1] = Array(targets.prefix(m))
        }
    }

    /// Adds a link from `node` to `target`; past capacity, the node's links are chosen again
    /// by the heuristic among the old ones and the new one.
    private mutating func link(_ node: Int32, to target: Int32, layer: Int, capacity: Int) {
        var current = neighbours(node, layer: layer)
        current.append(target)
        if current.count <= capacity {
            setLinks(node, layer: layer, current)
            return
        }
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

    /// Layer `layer`'s nearest node to q reached by always moving to a nearer neighbour.
    private func greedy(_ q: UnsafePointer<Float>, from start: Int32, distance d0: Float, layer: Int) -> (Int32, Float) {
        var best = start, bestDistance = d0
        var changed = true
        while changed {
            changed = false
            for n in upper[Int(best)][layer - 1] {
                let d = distance(q, n)
                if d < bestDistance { best = n; bestDistance = d; changed = true }
            }
        }
        return (best, bestDistance)
    }

    /// Algorithm 2: the `ef` nearest nodes to q found from `start` on `layer`, nearest first;
    /// removed nodes are walked through and, with `skipDeleted`, not returned.
    private func searchLayer(_ q: UnsafePointer<Float>, from start: (Float, Int32), ef: Int, layer: Int,
                             skipDeleted: Bool) -> [(Float, Int32)] {
        guard let kernel = metric == .cosine ? vm_dot_kernel() : vm_l2sq_kernel() else { return [] }
        let cosine = metric == .cosine
        let d = dimension
        // One bit per node, fresh per search: cheaper than a hash set, and a search shares
        // nothing mutable with other searches.
        let words = (nodes.count + 63) >> 6
        let visited = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        visited.initialize(repeating: 0, count: words)
        let fresh = UnsafeMutablePointer<Int32>.allocate(capacity: max(m0, 1))
        defer {
            visited.deallocate()
            fresh.deallocate()
        }
        // Neither heap can hold more than every node (ef may be anything a caller or a file says).
        var candidates = Heap<NearestFirst>(capacity: min(2 * ef, nodes.count + 1))    // to explore
        var results = Heap<FarthestFirst>(capacity: min(ef, nodes.count) + 1)           // the ef best, farthest on top
        visited[Int(start.1) >> 6] |= 1 << UInt64(start.1 & 63)
        candidates.push(start)
        if !(skipDeleted && nodes.isDeleted(start.1)) { results.push(start) }
        // Farthest distance kept once ef are kept; anything farther is not worth exploring.
        var bound: Float = results.count >= ef ? results.topDistance : .infinity
        let blocks = nodes.base, blockSize = nodes.stride, header = nodes.headerOffset
        let prefetchLines = min(Self.prefetchLines, (d * 4 + 63) / 64)
        while let c = candidates.pop() {
            if c.0 > bound { break }
            var count = 0
            if layer == 0 {
                // The next candidate's links are wanted soon: fetched while this one's neighbours are measured.
                if let next = candidates.top { vm_prefetch_line(blocks + Int(next.1) &* blockSize + header) }
                let block = blocks + Int(c.1) &* blockSize + header
                let total = Int(block.load(as: Int32.self) & 0xFF)
                for i in 0..<total {
                    let n = block.load(fromByteOffset: 4 + 4 &* i, as: Int32.self)
                    let word = Int(n) >> 6, bit: UInt64 = 1 << UInt64(n & 63)
                    if visited[word] & bit != 0 { continue }
                    visited[word] |= bit
                    fresh[count] = n
                    count += 1
                    let v = blocks + Int(n) &* blockSize
                    for line in 0..<prefetchLines { vm_prefetch_line(v + 64 &* line) }
                }
            } else {
                for n in upper[Int(c.1)][layer - 1] {
                    let word = Int(n) >> 6, bit: UInt64 = 1 << UInt64(n & 63)
                    if visited[word] & bit != 0 { continue }
                    visited[word] |= bit
                    fresh[count] = n
                    count += 1
                }
            }
            for i in 0..<count {
                let n = fresh[i]
                let v = (blocks + Int(n) &* blockSize).assumingMemoryBound(to: Float.self)
                let raw = kernel(q, v, d)
                let dist = cosine ? 1 - raw : raw
                guard dist < bound else { continue }
                candidates.push((dist, n))
                if skipDeleted && nodes.isDeleted(n) { continue }
                results.push((dist, n))
                if results.count > ef { results.removeTop() }
                if results.count >= ef { bound = results.topDistance }
            }
        }
        return results.sortedNearestFirst()
    }

    /// Cache lines of each unvisited neighbour's vector fetched ahead of measuring it; the
    /// hardware prefetcher streams the rest. 4 measured a few per cent faster than 1, 2 or all 16
    /// of a 256-d vector's (AMD EPYC, 50,000 vectors).
    static let prefetchLines = 4

    /// A level drawn from the paper's distribution, floor(−ln(U) · mL) with mL = 1/ln(m).
    private mutating func drawLevel() -> Int {
        rng ^= rng << 13
        rng ^= rng >> 7
        rng ^= rng << 17
        let u = (Double(rng >> 11) + 0.5) / Double(1 << 53)
        return min(30, Int(-log(u) / log(Double(m))))
    }

    /// A binary heap of (distance, node) in memory of its own, nearest or farthest on top. The
    /// order is a type parameter, so each heap's comparisons compile to one instruction.
    struct Heap<Order: HeapOrder>: ~Copyable {
        private var items: UnsafeMutablePointer<(Float, Int32)>
        private var capacity: Int
        private(set) var count = 0

        init(capacity: Int) {
            self.capacity = max(16, capacity)
            items = .allocate(capacity: self.capacity)
        }

        deinit { items.deallocate() }

        var top: (Float, Int32)? { count > 0 ? items[0] : nil }
        /// The top's distance (infinity when empty).
        var topDistance: Float { count > 0 ? items[0].0 : .infinity }

        mutating func push(_ e: (Float, Int32)) {
            if count == capacity {
                let bigger = UnsafeMutablePointer<(Float, Int32)>.allocate(capacity: 2 * capacity)
                bigger.moveInitialize(from: items, count: count)
                items.deallocate()
                items = bigger
                capacity *= 2
            }
            var i = count
            count += 1
            while i > 0 {
                let p = (i - 1) >> 1
                guard Order.above(e.0, items[p].0) else { break }
                items[i] = items[p]
                i = p
            }
            items[i] = e
        }

        mutating func pop() -> (Float, Int32)? {
            guard count > 0 else { return nil }
            let first = items[0]
            removeTop()
            return first
        }

        mutating func removeTop() {
            guard count > 0 else { return }
            count -= 1
            guard count > 0 else { return }
            let last = items[count]
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                guard l < count else { break }
                let w = r < count && Order.above(items[r].0, items[l].0) ? r : l
                guard Order.above(items[w].0, last.0) else { break }
                items[i] = items[w]
                i = w
            }
            items[i] = last
        }

        /// The items, nearest first (ties by node).
        func sortedNearestFirst() -> [(Float, Int32)] {
            UnsafeBufferPointer(start: items, count: count).sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        }
    }
}

/// Layer 0 of an ``HNSWIndex``, one block of ``stride`` bytes per node in 64-byte aligned
/// memory: the node's vector (`dimension` floats), then a header (its link count in the low
/// byte, bit 8 once removed), then 2·m link slots. A node's vector and links are read
/// together, as in hnswlib's layout.
///
/// Shared by copies of an index: the index copies it before a change unless it is the only
/// owner (copy on write), so memory that one copy can read is never written.
final class NodeBlocks: @unchecked Sendable {
    let dimension: Int
    let m: Int
    var m0: Int { 2 * m }
    /// Bytes from a block's start to its header (the links follow it).
    let headerOffset: Int
    /// Bytes per block, a multiple of 64.
    let stride: Int
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var count = 0

    static let deletedFlag: Int32 = 0x100

    init(dimension: Int, m: Int, capacity: Int = 64) {
        self.dimension = dimension
        self.m = m
        headerOffset = dimension * 4
        stride = (dimension * 4 + 4 + 8 * m + 63) / 64 * 64
        self.capacity = max(1, capacity)
        base = .allocate(byteCount: stride * self.capacity, alignment: 64)
    }

    deinit { base.deallocate() }

    /// A copy of its own.
    func copy() -> NodeBlocks {
        let other = NodeBlocks(dimension: dimension, m: m, capacity: max(count, 64))
        other.base.copyMemory(from: base, byteCount: count * stride)
        other.count = count
        return other
    }

    /// Room for `total` nodes.
    func reserve(_ total: Int) {
        guard total > capacity else { return }
        let bigger = max(total, capacity * 2)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: stride * bigger, alignment: 64)
        memory.copyMemory(from: base, byteCount: count * stride)
        base.deallocate()
        base = memory
        capacity = bigger
    }

    /// Appends a node holding `vector` (`dimension` floats) and no links; returns its number.
    func append(_ vector: [Float]) -> Int32 {
        reserve(count + 1)
        let block = base + count * stride
        block.initializeMemory(as: UInt8.self, repeating: 0, count: stride)
        vector.withUnsafeBytes { bytes in
            if let from = bytes.baseAddress { block.copyMemory(from: from, byteCount: min(bytes.count, dimension * 4)) }
        }
        count += 1
        return Int32(count - 1)
    }

    /// Appends `nodes` blocks read by `fill` straight into their memory (loading a saved index).
    func appendRaw(_ nodes: Int, _ fill: (UnsafeMutableRawBufferPointer) throws(MediaCoreError) -> Void) throws(MediaCoreError) {
        reserve(count + nodes)
        try fill(UnsafeMutableRawBufferPointer(start: base + count * stride, count: nodes * stride))
        count += nodes
    }

    /// The blocks' bytes, as saved.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count * stride) }

    @inline(__always) func vector(_ n: Int32) -> UnsafeMutablePointer<Float> {
        (base + Int(n) &* stride).assumingMemoryBound(to: Float.self)
    }

    @inline(__always) func header(_ n: Int32) -> Int32 {
        base.load(fromByteOffset: Int(n) &* stride + headerOffset, as: Int32.self)
    }

    @inline(__always) func linkCount(_ n: Int32) -> Int { Int(header(n) & 0xFF) }

    @inline(__always) func isDeleted(_ n: Int32) -> Bool { header(n) & Self.deletedFlag != 0 }

    /// Node n's links (valid up to ``linkCount(_:)``).
    @inline(__always) func links(_ n: Int32) -> UnsafeMutablePointer<Int32> {
        (base + Int(n) &* stride + headerOffset + 4).assumingMemoryBound(to: Int32.self)
    }

    func setLinks(_ n: Int32, _ targets: ArraySlice<Int32>) {
        let links = self.links(n)
        for (i, t) in targets.prefix(m0).enumerated() { links[i] = t }
        let flags = header(n) & Self.deletedFlag
        base.storeBytes(of: flags | Int32(min(targets.count, m0)), toByteOffset: Int(n) * stride + headerOffset, as: Int32.self)
    }

    func markDeleted(_ n: Int32) {
        base.storeBytes(of: header(n) | Self.deletedFlag, toByteOffset: Int(n) * stride + headerOffset, as: Int32.self)
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
