/// When two pictures are the same photo: both perceptual hashes close.
///
/// pHash alone at imagehash's usual threshold confuses similar shots (a burst, the same scene
/// a second later); requiring the difference hash to agree too keeps those apart while resized,
/// recompressed, lightly cropped, brightened, converted or stripped copies still match. The
/// defaults were chosen on the near-duplicate set that `NearDuplicateCorpusTests` builds from
/// the development corpus (BENCHMARKS.md has the sweep).
public struct NearDuplicatePolicy: Sendable, Hashable, Codable {
    /// Largest pHash distance of a match. Default 10.
    public var maxPHashDistance = 10
    /// Largest dHash distance of a match. Default 12.
    public var maxDHashDistance = 12

    /// The defaults.
    public init() {}

    /// Creates a policy with these thresholds.
    public init(maxPHashDistance: Int, maxDHashDistance: Int) {
        self.maxPHashDistance = maxPHashDistance
        self.maxDHashDistance = maxDHashDistance
    }

    /// Whether two hashes are the same photo (never when either picture is flat).
    public func matches(_ a: PerceptualHash, _ b: PerceptualHash) -> Bool {
        guard !a.isFlat, !b.isFlat else { return false }
        let d = a.distance(to: b)
        return d.phash <= maxPHashDistance && d.dhash <= maxDHashDistance
    }
}

/// Near-duplicate detection over a growing set of pictures: each new picture is compared, through
/// a ``HammingIndex`` on its pHash, with the ones already there (sub-linear), and the matches
/// are joined into groups (union-find).
///
/// ```swift
/// var finder = NearDuplicateFinder()
/// for (id, hash) in hashes { _ = finder.add(id: id, hash: hash) }   // returns the matches
/// finder.groups()                                                  // [[id]] of 2 or more
/// ```
public struct NearDuplicateFinder: Sendable {
    /// The matching rule.
    public let policy: NearDuplicatePolicy
    private var index = HammingIndex()
    private var hashes: [Int64: PerceptualHash] = [:]
    private var sets = DisjointSets()

    /// An empty finder.
    public init(policy: NearDuplicatePolicy = NearDuplicatePolicy()) {
        self.policy = policy
    }

    /// Pictures added.
    public var count: Int { hashes.count }

    /// The pictures already added that match `hash`, nearest first, with their distances.
    public func matches(of hash: PerceptualHash) -> [(id: Int64, phash: Int, dhash: Int)] {
        guard !hash.isFlat else { return [] }
        return index.neighbours(of: hash.phash, within: policy.maxPHashDistance).compactMap { candidate in
            guard let other = hashes[candidate.id] else { return nil }
            let d = hash.distance(to: other)
            return d.dhash <= policy.maxDHashDistance ? (candidate.id, d.phash, d.dhash) : nil
        }
    }

    /// Adds a picture (an id added again is replaced) and joins it with its matches.
    /// - Returns: The matches among the pictures added before, nearest first.
    @discardableResult
    public mutating func add(id: Int64, hash: PerceptualHash) -> [(id: Int64, phash: Int, dhash: Int)] {
        if let old = hashes[id], !old.isFlat { index.remove(old.phash, id: id) }
        let found = matches(of: hash).filter { $0.id != id }
        if !hash.isFlat { index.insert(hash.phash, id: id) }
        hashes[id] = hash
        for match in found { sets.join(id, match.id) }
        return found
    }

    /// Joins two pictures' groups (a match recorded elsewhere, for example read from a catalog).
    public mutating func join(_ a: Int64, _ b: Int64) {
        sets.join(a, b)
    }

    /// The groups of two or more pictures, each sorted by id, the groups by their first id.
    public mutating func groups() -> [[Int64]] {
        sets.groups()
    }
}

/// Groups joined pair by pair (union-find with path compression): the connected components of
/// the pairs given. What ``NearDuplicateFinder`` groups its matches with; usable alone for pairs
/// found elsewhere (a catalog's), without a hash index.
public struct DisjointSets: Sendable {
    private var parent: [Int64: Int64] = [:]

    /// No groups.
    public init() {}

    /// Puts `a` and `b` (and their groups) in one group.
    public mutating func join(_ a: Int64, _ b: Int64) {
        let ra = root(a), rb = root(b)
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }

    /// The groups of two or more ids, each sorted, the groups by their first id.
    public mutating func groups() -> [[Int64]] {
        var members: [Int64: [Int64]] = [:]
        for id in parent.keys { members[root(id), default: []].append(id) }
        return members.values.filter { $0.count > 1 }.map { $0.sorted() }.sorted { $0[0] < $1[0] }
    }

    private mutating func root(_ id: Int64) -> Int64 {
        if parent[id] == nil { parent[id] = id }
        var r = id
        while let p = parent[r], p != r { r = p }
        var node = id
        while let p = parent[node], p != r { parent[node] = r; node = p }  // path compression
        return r
    }
}

/// Which copy of a photo to keep: the best first.
///
/// The order a careful person would use: the most pixels; then the most metadata (a capture
/// time from the camera rather than the file system, a place, the camera and lens, the
/// exposure); then the original format before conversions (raw, then HEIF/AVIF, JPEG, TIFF,
/// PNG, WebP, GIF); then the larger file (less compressed); then the earlier id.
public enum KeepSuggestion {
    /// The assets, best first.
    public static func ranked(_ assets: [Asset]) -> [Asset] {
        assets.sorted { a, b in
            let ka = key(a), kb = key(b)
            if ka.pixels != kb.pixels { return ka.pixels > kb.pixels }
            if ka.metadata != kb.metadata { return ka.metadata > kb.metadata }
            if ka.format != kb.format { return ka.format < kb.format }
            if a.size != b.size { return a.size > b.size }
            return a.id.description < b.id.description
        }
    }

    /// How much a picture's metadata says (0...7).
    public static func metadataScore(_ m: MediaMetadata) -> Int {
        let fromCamera = m.capturedAt != nil && !(m.sources[.capturedAt] ?? "").hasPrefix("File:")
        return [fromCamera, m.location != nil, m.make != nil, m.model != nil, m.lens != nil,
                m.exposureTime != nil || m.fNumber != nil, m.iso != nil].filter { $0 }.count
    }

    /// Originals before conversions: lower is better.
    public static func formatRank(_ format: MediaFormat) -> Int {
        if format.kind == .raw { return 0 }
        switch format {
        case .heic, .heif, .avif: return 1
        case .jpeg: return 2
        case .tiff, .bigTIFF: return 3
        case .png: return 4
        case .webp, .jxl: return 5
        case .gif: return 6
        default: return 7
        }
    }

    private static func key(_ a: Asset) -> (pixels: Int, metadata: Int, format: Int) {
        ((a.metadata.pixelWidth ?? 0) * (a.metadata.pixelHeight ?? 0), metadataScore(a.metadata), formatRank(a.format))
    }
}
