/// Radius queries over 64-bit hashes by multi-index hashing (Norouzi, Punjani & Fleet, *Fast
/// Search in Hamming Space with Multi-Index Hashing*, CVPR 2012): each hash is cut into four
/// 16-bit substrings, each substring indexes a table. Two hashes within distance `r` agree,
/// by the pigeonhole principle, to within `r / 4` bits on at least one substring, so a query
/// looks up, in each table, every substring value within that many bits of its own, and checks
/// the full distance of the hashes it finds there. For the radii near-duplicate detection uses
/// (up to 11) that is at most 4 × 137 bucket lookups, which hold about 548 / 65,536 of the hashes
/// (1 in 120): 4 µs at 10,000 hashes, 146 µs at a million, against 1.6 ms for a scan
/// (BENCHMARKS.md). From radius 16 on, a query reads every entry once instead.
///
/// ```swift
/// var index = HammingIndex()
/// index.insert(0xF0F0_F0F0_F0F0_F0F0, id: 1)
/// index.neighbours(of: 0xF0F0_F0F0_F0F0_F0F1, within: 4)   // [(id: 1, distance: 1)]
/// ```
///
/// A value type: copies share storage until one is changed. Not thread-safe to change; any
/// number of readers may query a copy that nobody changes.
/// - Complexity: `insert` O(1); a query O(4 × probes + candidates), where probes is the number
///   of 16-bit values within `radius / 4` bits (1, 17, 137, 697 for radius below 4, 8, 12, 16);
///   O(n) from radius 16.
public struct HammingIndex: Sendable {
    /// One table per 16-bit substring, 65,536 buckets each: substring value → entries.
    private var tables: [[[Entry]]] = Array(repeating: Array(repeating: [], count: 1 << 16), count: 4)
    /// Hashes indexed.
    public private(set) var count = 0

    private struct Entry: Sendable {
        var hash: UInt64
        var id: Int64
    }

    /// An empty index.
    public init() {}

    /// Adds a hash under an id (an id may be added more than once, with different hashes).
    public mutating func insert(_ hash: UInt64, id: Int64) {
        for t in 0..<4 { tables[t][Int(Self.substring(hash, t))].append(Entry(hash: hash, id: id)) }
        count += 1
    }

    /// Removes every entry of `id` with this hash.
    public mutating func remove(_ hash: UInt64, id: Int64) {
        var removed = false
        for t in 0..<4 {
            let key = Int(Self.substring(hash, t))
            let before = tables[t][key].count
            tables[t][key].removeAll { $0.id == id && $0.hash == hash }
            removed = removed || tables[t][key].count != before
        }
        if removed { count -= 1 }
    }

    /// The ids whose hash lies within `radius` bits of `hash`, each once, with that distance,
    /// nearest first (ties by id).
    public func neighbours(of hash: UInt64, within radius: Int) -> [(id: Int64, distance: Int)] {
        guard radius >= 0 else { return [] }
        var found: [Int64: Int] = [:]
        func consider(_ entry: Entry) {
            let d = (entry.hash ^ hash).nonzeroBitCount
            if d <= radius, found[entry.id].map({ d < $0 }) ?? true { found[entry.id] = d }
        }
        let bits = radius / 4
        if bits < Self.masks.count {
            for t in 0..<4 {
                let key = Self.substring(hash, t)
                for mask in Self.masks[bits] {
                    for entry in tables[t][Int(key ^ mask)] { consider(entry) }
                }
            }
        } else {
            // From radius 16 on, probing costs more than reading every entry once.
            for bucket in tables[0] { for entry in bucket { consider(entry) } }
        }
        return found.map { (id: $0.key, distance: $0.value) }.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
    }

    /// Substring `t` (0 is the most significant) of a hash.
    static func substring(_ hash: UInt64, _ t: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: hash >> UInt64(48 - 16 * t))
    }

    /// The masks a radius query XORs into each 16-bit substring of the query: every 16-bit
    /// value with at most `radius / 4` bits set (1, 17, 137 or 697 of them for radius below 4,
    /// 8, 12, 16). For storing the substrings elsewhere (a database index) and probing there.
    /// - Precondition: `radius` < 16 (beyond, probing costs more than a scan).
    public static func substringMasks(radius: Int) -> [UInt16] {
        masks[min(masks.count - 1, max(0, radius) / 4)]
    }

    /// `masks[b]`: every 16-bit mask with at most `b` bits set, for b in 0...3 (1, 17, 137, 697).
    static let masks: [[UInt16]] = (0...3).map { flipMasks(upTo: $0) }

    /// Every 16-bit mask with at most `bits` bits set.
    static func flipMasks(upTo bits: Int) -> [UInt16] {
        var masks: [UInt16] = [0]
        guard bits > 0 else { return masks }
        var frontier: Set<UInt16> = [0]
        for _ in 0..<bits {
            var next: Set<UInt16> = []
            for m in frontier {
                for b in 0..<16 where m & (1 << b) == 0 { next.insert(m | (1 << b)) }
            }
            masks += next.sorted()
            frontier = next
        }
        return masks
    }
}
