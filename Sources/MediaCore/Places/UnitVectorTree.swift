#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A k-d tree (Bentley 1975) over points of the unit sphere in 3-D, for exact nearest-neighbour
/// search by great-circle distance.
///
/// Why 3-D unit vectors rather than latitude and longitude: the chord between two unit
/// vectors, `2 sin(θ/2)`, grows monotonically with the great-circle angle `θ`, so the nearest
/// point by chord is the nearest by great-circle distance, and the k-d tree's plane-distance
/// bound prunes exactly. There is no seam at the antimeridian and no singularity at the
/// poles, which a latitude/longitude grid must special-case, and the tree adapts to density
/// (thousands of towns per degree cell in Europe, none at sea), where a fixed grid would scan
/// long cells in dense areas and many empty cells for a 300 km time-zone search.
///
/// Layout: an implicit balanced tree in one array (no child pointers). The node of the range
/// `lo..<hi` is the median element `mid = (lo + hi) / 2`, split on the axis of largest spread
/// (Friedman, Bentley & Finkel 1977); `lo..<mid` holds the points whose coordinate on that axis
/// is at most the median's, `mid+1..<hi` those at least it. Ranges of `leafSize` or fewer
/// points are scanned linearly.
///
/// - Building: O(n log n) (a linear-time selection per level).
/// - Query: O(log n) expected for a point near the data (Friedman, Bentley & Finkel 1977).
///
/// References:
/// - J. L. Bentley, "Multidimensional binary search trees used for associative searching",
///   Communications of the ACM 18(9), 1975.
/// - J. H. Friedman, J. L. Bentley, R. A. Finkel, "An algorithm for finding best matches in
///   logarithmic expected time", ACM Transactions on Mathematical Software 3(3), 1977.
/// - N. Wirth, "Algorithms + Data Structures = Programs", 1976 (the selection algorithm).
struct UnitVectorTree: Sendable {
    struct Node: Sendable {
        var x: Double
        var y: Double
        var z: Double
        /// The index of the point in the caller's order.
        var id: Int32
        /// The split axis (0, 1, 2) when this node is the median of an inner range.
        var axis: UInt8

        @inline(__always) subscript(axis: Int) -> Double {
            axis == 0 ? x : (axis == 1 ? y : z)
        }
    }

    static let leafSize = 8
    let nodes: [Node]

    /// The unit vector of a latitude and longitude in degrees.
    @inline(__always)
    static func unitVector(latitude: Double, longitude: Double) -> (x: Double, y: Double, z: Double) {
        let phi = latitude * .pi / 180, lambda = longitude * .pi / 180
        let c = cos(phi)
        return (c * cos(lambda), c * sin(lambda), sin(phi))
    }

    /// The squared chord between two unit vectors (the one metric that the tree and any
    /// brute-force check must share, computed the same way).
    @inline(__always)
    static func squaredChord(_ a: (x: Double, y: Double, z: Double), _ b: Node) -> Double {
        let dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z
        return dx * dx + dy * dy + dz * dz
    }

    /// Builds the tree over points given in 1e-5 degree.
    init(latitudes: [Int32], longitudes: [Int32]) {
        var nodes: [Node] = []
        nodes.reserveCapacity(latitudes.count)
        for i in latitudes.indices {
            let v = Self.unitVector(latitude: Double(latitudes[i]) / 100_000, longitude: Double(longitudes[i]) / 100_000)
            nodes.append(Node(x: v.x, y: v.y, z: v.z, id: Int32(i), axis: 0))
        }
        nodes.withUnsafeMutableBufferPointer { Self.build($0, 0, $0.count) }
        self.nodes = nodes
    }

    private static func build(_ p: UnsafeMutableBufferPointer<Node>, _ lo: Int, _ hi: Int) {
        guard hi - lo > leafSize else { return }
        var low = (Double.infinity, Double.infinity, Double.infinity)
        var high = (-Double.infinity, -Double.infinity, -Double.infinity)
        for i in lo..<hi {
            let n = p[i]
            low = (min(low.0, n.x), min(low.1, n.y), min(low.2, n.z))
            high = (max(high.0, n.x), max(high.1, n.y), max(high.2, n.z))
        }
        let spread = (high.0 - low.0, high.1 - low.1, high.2 - low.2)
        let axis = spread.0 >= spread.1 ? (spread.0 >= spread.2 ? 0 : 2) : (spread.1 >= spread.2 ? 1 : 2)
        let mid = (lo + hi) / 2
        select(p, lo, hi - 1, mid, axis)
        p[mid].axis = UInt8(axis)
        build(p, lo, mid)
        build(p, mid + 1, hi)
    }

    /// Wirth's selection: afterwards `p[k]` holds the value of rank `k` on `axis` within
    /// `first...last`, with no larger value before it and no smaller one after it.
    private static func select(_ p: UnsafeMutableBufferPointer<Node>, _ first: Int, _ last: Int, _ k: Int, _ axis: Int) {
        var lo = first, hi = last
        while lo < hi {
            let a = p[lo][axis], b = p[lo + (hi - lo) / 2][axis], c = p[hi][axis]
            let pivot = max(min(a, b), min(max(a, b), c))   // the median of three
            var i = lo, j = hi
            while i <= j {
                while p[i][axis] < pivot { i += 1 }
                while p[j][axis] > pivot { j -= 1 }
                if i <= j {
                    p.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return }
        }
    }

    /// The point nearest to `query` (a unit vector) whose squared chord is at most
    /// `maxSquaredChord`; ties go to the smallest id.
    /// - Returns: the point's id and squared chord, or `nil` when none is that close.
    func nearest(to query: (x: Double, y: Double, z: Double), maxSquaredChord: Double) -> (id: Int, squaredChord: Double)? {
        var best = maxSquaredChord
        var bestID = Int32.max
        nodes.withUnsafeBufferPointer { p in
            @inline(__always) func consider(_ i: Int) {
                let d = Self.squaredChord(query, p[i])
                if d < best || (d == best && p[i].id < bestID) {
                    best = d
                    bestID = p[i].id
                }
            }
            func visit(_ lo: Int, _ hi: Int) {
                if hi - lo <= Self.leafSize {
                    for i in lo..<hi { consider(i) }
                    return
                }
                let mid = (lo + hi) / 2
                consider(mid)
                let axis = Int(p[mid].axis)
                let q = axis == 0 ? query.x : (axis == 1 ? query.y : query.z)
                let diff = q - p[mid][axis]
                // Equal distances are visited too, so the smallest id wins ties, as in a scan.
                if diff < 0 {
                    visit(lo, mid)
                    if diff * diff <= best { visit(mid + 1, hi) }
                } else {
                    visit(mid + 1, hi)
                    if diff * diff <= best { visit(lo, mid) }
                }
            }
            visit(0, p.count)
        }
        return bestID == Int32.max ? nil : (Int(bestID), best)
    }
}
