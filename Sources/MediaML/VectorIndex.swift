import CVectorMath

/// How far apart two vectors are.
public enum VectorMetric: String, Sendable, Hashable, Codable {
    /// 1 − cosine similarity (0 for the same direction, 2 for opposite ones). Vectors are
    /// normalised when they are added and queried.
    case cosine
    /// Squared Euclidean distance.
    case l2
}

/// A vector found by a search, with its distance to the query (smaller is nearer).
public struct VectorMatch: Sendable, Hashable, Codable {
    /// The id the vector was added under.
    public var id: Int64
    /// Its distance to the query under the index's metric.
    public var distance: Float

    /// Creates a match.
    public init(id: Int64, distance: Float) {
        self.id = id
        self.distance = distance
    }
}

/// A vector index: float32 vectors of one dimension under ids, k-nearest-neighbour search.
///
/// Implementations: ``FlatVectorIndex`` (exact, the oracle of the tests) and ``HNSWIndex``
/// (approximate, about O(log n)). Indexes are value types: a search reads a snapshot, so any number of threads can
/// search copies while one changes its own.
public protocol VectorIndex: Sendable {
    /// Length of every vector.
    var dimension: Int { get }
    /// The distance.
    var metric: VectorMetric { get }
    /// Vectors in the index.
    var count: Int { get }
    /// Adds a vector, replacing the one under the same id.
    /// - Throws: `MediaCoreError.undecodable` when its length is not ``dimension`` or it holds
    ///   NaN or infinity.
    mutating func insert(_ vector: [Float], id: Int64) throws(MediaCoreError)
    /// Removes the vector under `id`; `false` when there is none.
    @discardableResult
    mutating func remove(id: Int64) -> Bool
    /// The `k` vectors nearest to `query`, nearest first (ties by id).
    func search(_ query: [Float], k: Int) -> [VectorMatch]
}

extension VectorMetric {
    /// Checks a vector's length and values; for cosine, returns it normalised (a zero vector
    /// stays zero: its distance to everything is 1).
    func prepare(_ vector: [Float], dimension: Int) throws(MediaCoreError) -> [Float] {
        guard vector.count == dimension else {
            throw MediaCoreError(.undecodable, "a vector of \(vector.count) values where the index holds \(dimension)")
        }
        guard vector.allSatisfy(\.isFinite) else { throw MediaCoreError(.undecodable, "a vector holds NaN or infinity") }
        guard self == .cosine else { return vector }
        let norm = VectorMath.dot(vector, vector).squareRoot()
        return norm > 0 ? vector.map { $0 / norm } : vector
    }
}

/// Distance kernels on contiguous float32 storage: CVectorMath's AVX-512 / AVX2+FMA / SSE paths.
enum VectorMath {
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        vm_dot(a, b, n)
    }

    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        vm_l2sq(a, b, n)
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return 0 }
                return dot(x, y, min(pa.count, pb.count))
            }
        }
    }

    /// The distance under `metric` of two prepared vectors.
    @inline(__always)
    static func distance(_ metric: VectorMetric, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        metric == .cosine ? 1 - dot(a, b, n) : squaredDistance(a, b, n)
    }
}

/// The `k` smallest (distance, id) pairs seen, kept in a max-heap.
struct TopK {
    let k: Int
    private(set) var heap: [VectorMatch] = []

    init(k: Int) {
        self.k = max(0, k)
        heap.reserveCapacity(self.k)
    }

    /// The largest distance kept, or infinity while fewer than k are kept.
    var bound: Float { heap.count < k ? .infinity : heap[0].distance }

    static func worse(_ a: VectorMatch, _ b: VectorMatch) -> Bool {
        a.distance > b.distance || (a.distance == b.distance && a.id > b.id)
    }

    mutating func offer(_ m: VectorMatch) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append(m)
            var i = heap.count - 1
            while i > 0 {
                let p = (i - 1) / 2
                guard Self.worse(heap[i], heap[p]) else { break }
                heap.swapAt(i, p)
                i = p
            }
        } else if Self.worse(heap[0], m) {
            heap[0] = m
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var w = i
                if l < heap.count, Self.worse(heap[l], heap[w]) { w = l }
                if r < heap.count, Self.worse(heap[r], heap[w]) { w = r }
                if w == i { break }
                heap.swapAt(i, w)
                i = w
            }
        }
    }

    /// Nearest first, ties by id.
    func sorted() -> [VectorMatch] {
        heap.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
    }
}

/// Exact k-nearest-neighbour search: every vector compared with the query, 16 lanes at a time.
/// The reference the approximate indexes are measured against.
///
/// ```swift
/// var index = FlatVectorIndex(dimension: 3, metric: .cosine)
/// try index.insert([1, 0, 0], id: 1)
/// try index.insert([0, 1, 0], id: 2)
/// index.search([0.9, 0.1, 0], k: 1)      // [VectorMatch(id: 1, distance: 0.006)]
/// ```
/// - Complexity: insert O(d) amortised; remove O(d); search O(n·d).
public struct FlatVectorIndex: VectorIndex {
    public let dimension: Int
    public let metric: VectorMetric
    /// Rows of `dimension` floats, row i under ids[i].
    private var storage: [Float] = []
    private var ids: [Int64] = []
    private var rows: [Int64: Int] = [:]

    /// An empty index.
    public init(dimension: Int, metric: VectorMetric) {
        self.dimension = max(1, dimension)
        self.metric = metric
    }

    public var count: Int { ids.count }

    public mutating func insert(_ vector: [Float], id: Int64) throws(MediaCoreError) {
        let v = try metric.prepare(vector, dimension: dimension)
        if let row = rows[id] {
            storage.replaceSubrange(row * dimension..<(row + 1) * dimension, with: v)
        } else {
            rows[id] = ids.count
            ids.append(id)
            storage.append(contentsOf: v)
        }
    }

    @discardableResult
    public mutating func remove(id: Int64) -> Bool {
        guard let row = rows.removeValue(forKey: id) else { return false }
        let last = ids.count - 1
        if row != last {  // the last row moves into the hole
            let moved = ids[last]
            for j in 0..<dimension { storage[row * dimension + j] = storage[last * dimension + j] }
            ids[row] = moved
            rows[moved] = row
        }
        ids.removeLast()
        storage.removeLast(dimension)
        return true
    }

    public func search(_ query: [Float], k: Int) -> [VectorMatch] {
        guard let q = try? metric.prepare(query, dimension: dimension), k > 0 else { return [] }
        var top = TopK(k: k)
        let d = dimension
        storage.withUnsafeBufferPointer { base in
            q.withUnsafeBufferPointer { qp in
                guard let b = base.baseAddress, let qa = qp.baseAddress else { return }
                for row in 0..<ids.count {
                    let distance = VectorMath.distance(metric, qa, b + row * d, d)
                    if distance <= top.bound { top.offer(VectorMatch(id: ids[row], distance: distance)) }
                }
            }
        }
        return top.sorted()
    }
}
