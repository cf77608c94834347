import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if !_endian(little)
#error("HNSWIndex files are written as the in-memory blocks, little-endian")
#endif

/// Saving and loading: an index is written to one file and read back without rebuilding, at the
/// speed of the disk (layer 0 and the vectors are written and read as the memory holds them).
///
/// Layout (little-endian): the magic `MKHNSW02`; dimension, metric (0 cosine, 1 L2), m,
/// efConstruction, ef, nodes, live count (UInt32 each); top layer and entry node (Int32);
/// seed and generator state (UInt64); the nodes' ids (Int64 each); the nodes' layer-0 blocks as
/// ``NodeBlocks`` lays them out (vector, header, 2·m link slots, padding to 64 bytes); each
/// node's number of upper layers (UInt8 each); then, for each node with upper layers, per layer
/// a link count (UInt8) and the links (Int32).
extension HNSWIndex {
    private static let magic = Array("MKHNSW02".utf8)

    /// Writes the index to `path` atomically: a temporary file, flushed to disk, renamed over it.
    /// - Throws: `MediaCoreError` naming the file when it cannot be written.
    public func write(to path: String) throws(MediaCoreError) {
        var head: [UInt8] = Self.magic
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { head.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { head.append(contentsOf: $0) } }
        for v in [dimension, metric == .cosine ? 0 : 1, nodes.m, parameters.efConstruction, parameters.ef, ids.count, count] { u32(v) }
        u32(Int(Int32(topLayer)))
        u32(Int(entry))
        u64(parameters.seed)
        u64(rng)
        var tail: [UInt8] = upper.map { UInt8($0.count) }
        for layers in upper {
            for links in layers {
                tail.append(UInt8(links.count))
                for t in links { withUnsafeBytes(of: t.littleEndian) { tail.append(contentsOf: $0) } }
            }
        }

        // Unique per writer: two indexes of one process may be saved to the same path at once.
        let staging = path + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = open(staging, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.failure("cannot create the vector index", path) }
        func put(_ bytes: UnsafeRawBufferPointer) -> Bool {
            var at = 0
            while at < bytes.count {
                guard let base = bytes.baseAddress else { return true }
                let n = posixWrite(fd, base + at, bytes.count - at)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                at += n
            }
            return true
        }
        let written = head.withUnsafeBytes(put) && ids.withUnsafeBytes(put) && put(nodes.bytes) && tail.withUnsafeBytes(put)
        let error = Self.failure("cannot write the vector index", path)
        let synced = written && fsync(fd) == 0
        close(fd)
        guard synced, rename(staging, path) == 0 else {
            unlink(staging)
            throw error
        }
    }

    /// Reads an index written by ``write(to:)``.
    /// - Throws: `MediaCoreError` naming the file when it cannot be read, is not an index, or
    ///   is damaged (sizes or links out of range).
    public init(contentsOf path: String) throws(MediaCoreError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MediaCoreError(.notFound, "cannot read the vector index", path: path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.failure("cannot read the vector index", path) }
        var reader = IndexReader(path: path, size: Int(info.st_size)) { buffer in
            var at = 0
            while at < buffer.count, let base = buffer.baseAddress {
                let n = read(fd, base + at, buffer.count - at)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                at += n
            }
            return at
        }
        try self.init(reading: &reader)
    }

    /// Reads an index from the bytes of a file written by ``write(to:)``; `path` names it in errors.
    init(bytes: [UInt8], path: String) throws(MediaCoreError) {
        var at = 0
        var reader = IndexReader(path: path, size: bytes.count) { buffer in
            let n = min(buffer.count, bytes.count - at)
            bytes.withUnsafeBytes { source in
                if n > 0, let from = source.baseAddress { buffer.baseAddress?.copyMemory(from: from + at, byteCount: n) }
            }
            at += n
            return n
        }
        try self.init(reading: &reader)
    }

    private init(reading reader: inout IndexReader) throws(MediaCoreError) {
        guard try reader.take(8) == Self.magic else { throw MediaCoreError(.corrupt, "not a MediaKit vector index", path: reader.path) }
        let dimension = try reader.u32(), metricCode = try reader.u32(), m = try reader.u32()
        let efConstruction = try reader.u32(), ef = try reader.u32(), nodes = try reader.u32(), live = try reader.u32()
        let topLayer = Int(Int32(truncatingIfNeeded: try reader.u32())), entry = Int32(truncatingIfNeeded: try reader.u32())
        let seed = try reader.u64(), state = try reader.u64()
        guard dimension > 0, dimension <= 1 << 16, metricCode <= 1, m >= 2, m <= 127, live <= nodes, nodes < Int(Int32.max),
              entry >= -1, Int(entry) < nodes, (entry < 0) == (nodes == 0), topLayer >= -1, topLayer <= 30 else {
            throw reader.damaged("its header is out of range")
        }
        self.init(dimension: dimension, metric: metricCode == 0 ? .cosine : .l2,
                  parameters: Parameters(m: m, efConstruction: efConstruction, ef: ef, seed: seed))
        // Sizes are checked against the file before anything that large is allocated.
        guard nodes <= (reader.size - reader.offset) / (8 + self.nodes.stride + 1) else {
            throw reader.damaged("it is shorter than its \(nodes) nodes")
        }
        ids = [Int64](repeating: 0, count: nodes)
        guard ids.withUnsafeMutableBytes({ reader.readAll(into: $0) }) else { throw reader.damaged("it ends at byte \(reader.offset)") }
        try self.nodes.appendRaw(nodes) { buffer throws(MediaCoreError) in try reader.read(into: buffer) }
        for n in 0..<Int32(nodes) {
            let header = self.nodes.header(n), links = self.nodes.links(n)
            let linkCount = Int(header & 0xFF)
            guard header & ~(NodeBlocks.deletedFlag | 0xFF) == 0, linkCount <= 2 * m,
                  (0..<linkCount).allSatisfy({ links[$0] >= 0 && links[$0] < Int32(nodes) }),
                  UnsafeBufferPointer(start: self.nodes.vector(n), count: dimension).allSatisfy(\.isFinite) else {
                throw reader.damaged("node \(n) has links or values out of range")
            }
            if !self.nodes.isDeleted(n) { nodeOf[ids[Int(n)]] = n }
        }
        let levels = try reader.take(nodes)
        for (n, count) in levels.enumerated() {
            guard count <= 30 else { throw reader.damaged("node \(n) is on \(count) upper layers") }
            var layers: [[Int32]] = []
            for _ in 0..<count {
                let linkCount = Int(try reader.take(1)[0])
                guard linkCount <= m else { throw reader.damaged("node \(n) has \(linkCount) links on an upper layer") }
                layers.append(try (0..<linkCount).map { _ throws(MediaCoreError) in Int32(truncatingIfNeeded: try reader.u32()) })
            }
            upper.append(layers)
        }
        // Links to upper layers a node is not on would be read out of range.
        for layers in upper {
            for (layer, targets) in layers.enumerated() where targets.contains(where: { $0 < 0 || $0 >= Int32(nodes) || upper[Int($0)].count <= layer }) {
                throw reader.damaged("a link on layer \(layer + 1) to a node not on it")
            }
        }
        guard reader.offset == reader.size else { throw reader.damaged("\(reader.size - reader.offset) bytes follow the last node") }
        guard nodeOf.count == live, entry < 0 || upper[Int(entry)].count == topLayer else {
            throw reader.damaged("its counts or entry point disagree")
        }
        self.entry = entry
        self.topLayer = topLayer
        self.live = live
        rng = state | 1
    }

    private static func failure(_ what: String, _ path: String) -> MediaCoreError {
        MediaCoreError(.unreadable, what, path: path, underlying: String(cString: strerror(errno)))
    }
}

/// `write(2)`, named apart from ``HNSWIndex/write(to:)``.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// Sequential reads of a saved index from a file or from memory.
struct IndexReader {
    let path: String
    /// The source's length in bytes.
    let size: Int
    /// Copies up to `buffer.count` next bytes into the buffer; returns how many (fewer at the end).
    let fill: (UnsafeMutableRawBufferPointer) -> Int
    private(set) var offset = 0

    init(path: String, size: Int, fill: @escaping (UnsafeMutableRawBufferPointer) -> Int) {
        self.path = path
        self.size = size
        self.fill = fill
    }

    func damaged(_ what: String) -> MediaCoreError {
        MediaCoreError(.corrupt, "the vector index is damaged: \(what)", path: path)
    }

    /// Fills the buffer; `false` when the source ends first.
    mutating func readAll(into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let n = fill(buffer)
        offset += n
        return n == buffer.count
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(MediaCoreError) {
        guard readAll(into: buffer) else { throw damaged("it ends at byte \(offset)") }
    }

    mutating func take(_ count: Int) throws(MediaCoreError) -> [UInt8] {
        guard count >= 0, count <= size - offset else { throw damaged("it ends at byte \(size)") }
        var out = [UInt8](repeating: 0, count: count)
        guard out.withUnsafeMutableBytes({ readAll(into: $0) }) else { throw damaged("it ends at byte \(offset)") }
        return out
    }

    mutating func u32() throws(MediaCoreError) -> Int {
        Int(try take(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    mutating func u64() throws(MediaCoreError) -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }
}
