import Foundation

/// Saving and loading: an index is written to one file and read back without rebuilding.
///
/// Layout (little-endian): the magic `MKHNSW01`; dimension, metric (0 cosine, 1 L2), m,
/// efConstruction, ef, nodes, live count (UInt32 each); top layer and entry node (Int32);
/// seed and generator state (UInt64); then per node its id (Int64), a deleted flag (UInt8),
/// its vector (dimension × Float32), its layer-0 links (count UInt8, then 2·m Int32 slots), and
/// its upper layers (count UInt8, then per layer a link count UInt8 and the links as Int32).
extension HNSWIndex {
    private static let magic = Array("MKHNSW01".utf8)

    /// Writes the index to `path` atomically (a temporary file renamed over it).
    /// - Throws: `MediaCoreError` naming the file when it cannot be written.
    public func write(to path: String) throws(MediaCoreError) {
        var out = Data()
        out.reserveCapacity(64 + ids.count * (dimension * 4 + 8 * parameters.m + 16))
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) } }
        func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        out.append(contentsOf: Self.magic)
        for v in [dimension, metric == .cosine ? 0 : 1, parameters.m, parameters.efConstruction, parameters.ef, ids.count, count] { u32(v) }
        i32(Int32(topLayer))
        i32(entry)
        u64(parameters.seed)
        u64(generatorState)
        let m0 = 2 * parameters.m
        for node in 0..<ids.count {
            u64(UInt64(bitPattern: ids[node]))
            out.append(isDeleted(node) ? 1 : 0)
            vector(node).withUnsafeBytes { out.append(contentsOf: $0) }
            let links = layerZeroLinks(node)
            out.append(UInt8(links.count))
            for slot in 0..<m0 { i32(slot < links.count ? links[slot] : -1) }
            let layers = upperLinks(node)
            out.append(UInt8(layers.count))
            for layer in layers {
                out.append(UInt8(layer.count))
                for target in layer { i32(target) }
            }
        }
        let staging = path + ".\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: staging, contents: out), rename(staging, path) == 0 else {
            unlink(staging)
            throw MediaCoreError(.undecodable, "cannot write the vector index", path: path)
        }
    }

    /// Reads an index written by ``write(to:)``.
    /// - Throws: `MediaCoreError` naming the file when it cannot be read, is not an index, or
    ///   is damaged (sizes or links out of range).
    public init(contentsOf path: String) throws(MediaCoreError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MediaCoreError(.notFound, "cannot read the vector index", path: path)
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Reads an index from the bytes of a file written by ``write(to:)``; `path` names it in errors.
    init(bytes: [UInt8], path: String) throws(MediaCoreError) {
        var at = 0
        func damaged(_ what: String) -> MediaCoreError { MediaCoreError(.corrupt, "the vector index is damaged: \(what)", path: path) }
        func take(_ n: Int) throws(MediaCoreError) -> ArraySlice<UInt8> {
            guard n >= 0, at + n <= bytes.count else { throw damaged("it ends at byte \(bytes.count)") }
            defer { at += n }
            return bytes[at..<at + n]
        }
        func u64() throws(MediaCoreError) -> UInt64 { try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        func u32() throws(MediaCoreError) -> Int { Int(try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) }
        func i32() throws(MediaCoreError) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: try u32())) }
        func u8() throws(MediaCoreError) -> Int { Int(try take(1).first ?? 0) }

        guard Array(try take(8)) == Self.magic else { throw MediaCoreError(.corrupt, "not a MediaKit vector index", path: path) }
        let dimension = try u32(), metricCode = try u32(), m = try u32(), efConstruction = try u32(), ef = try u32()
        let nodes = try u32(), live = try u32()
        let topLayer = Int(try i32()), entry = try i32()
        let seed = try u64(), state = try u64()
        guard dimension > 0, dimension <= 1 << 16, metricCode <= 1, m >= 2, m <= 127, live <= nodes,
              nodes <= (bytes.count - at) / (dimension * 4 + 10) + 1, entry >= -1, entry < Int32(nodes), topLayer < 64 else {
            throw damaged("its header is out of range")
        }
        self.init(dimension: dimension, metric: metricCode == 0 ? .cosine : .l2,
                  parameters: Parameters(m: m, efConstruction: efConstruction, ef: ef, seed: seed))
        var records: [NodeRecord] = []
        records.reserveCapacity(nodes)
        for _ in 0..<nodes {
            let id = Int64(bitPattern: try u64())
            let isDeleted = try u8() != 0
            let raw = try take(dimension * 4)
            var vector = [Float](repeating: 0, count: dimension)
            vector.withUnsafeMutableBytes { $0.copyBytes(from: raw) }
            let linkCount = try u8()
            var links: [Int32] = []
            for slot in 0..<(2 * m) {
                let t = try i32()
                if slot < linkCount { links.append(t) }
            }
            var layers: [[Int32]] = []
            for _ in 0..<(try u8()) {
                var layer: [Int32] = []
                for _ in 0..<(try u8()) { layer.append(try i32()) }
                layers.append(layer)
            }
            guard linkCount <= 2 * m, (links + layers.joined()).allSatisfy({ $0 >= 0 && $0 < Int32(nodes) }),
                  vector.allSatisfy(\.isFinite) else { throw damaged("node \(records.count) has links or values out of range") }
            records.append(NodeRecord(id: id, deleted: isDeleted, vector: vector, links: links, upper: layers))
        }
        guard at == bytes.count else { throw damaged("\(bytes.count - at) bytes follow the last node") }
        try restore(records, entry: entry, topLayer: topLayer, live: live, generatorState: state)
    }
}
