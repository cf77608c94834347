import ArgumentParser
import Foundation
import MediaML

/// `mediabench ann`: MediaML's vector indexes on TEXMEX files (the format of the SIFT/GIST
/// benchmark sets, and of `Benchmarks/scripts/make-embeddings.py`): build time, recall@k against
/// the truth file, single-thread queries per second, one JSON line per setting.
struct AnnBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ann",
        abstract: "HNSW and flat index on .fvecs/.ivecs files: build_s, recall, qps (single thread), one JSON line per ef."
    )

    @Option(help: ArgumentHelp("Base vectors (.fvecs).", valueName: "FILE")) var base: String
    @Option(help: ArgumentHelp("Query vectors (.fvecs).", valueName: "FILE")) var query: String
    @Option(help: ArgumentHelp("Exact neighbours of each query (.ivecs), nearest first.", valueName: "FILE")) var truth: String
    @Option(name: .short, help: "Neighbours per query.") var k = 10
    @Option(help: "Search breadths, comma-separated.") var ef = "32,64,128,256"
    @Option(name: .customLong("M"), help: "Links per node.") var m = 16
    @Option(help: "Candidate list while building.") var efConstruction = 200
    @Option(help: "cosine or l2.") var metric = "cosine"
    @Flag(help: "Skip the flat index.") var noFlat = false
    @Option(help: "Timed passes over the queries per setting, after one untimed warm-up pass; qps is the median, qps_best the best.")
    var runs = 5
    @Option(help: ArgumentHelp("Load the HNSW index from FILE when it exists (then load_s, the load time, replaces build_s), else build it and save it there.", valueName: "FILE"))
    var index: String?

    func run() throws {
        guard let metric = VectorMetric(rawValue: metric) else { throw ValidationError("--metric is cosine or l2") }
        let efs = ef.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let baseVectors = try Self.readVectors(base), queries = try Self.readVectors(query)
        let truthLists = try Self.readIntegers(truth)
        guard let dimension = baseVectors.first?.count, truthLists.count >= queries.count, !queries.isEmpty else {
            throw ValidationError("empty base, or fewer truth lists than queries")
        }
        func recall(_ results: [[VectorMatch]]) -> Double {
            var hits = 0
            for (i, found) in results.enumerated() {
                let wanted = Set(truthLists[i].prefix(k).map(Int64.init))
                hits += found.filter { wanted.contains($0.id) }.count
            }
            return Double(hits) / Double(queries.count * k)
        }
        /// One untimed pass, then `runs` timed ones: the results, and the median and best qps.
        func timeQueries(_ search: ([Float]) -> [VectorMatch]) -> (results: [[VectorMatch]], qps: Double, best: Double) {
            let results = queries.map(search)
            var seconds: [Double] = []
            for _ in 0..<max(1, runs) {
                let start = DispatchTime.now().uptimeNanoseconds
                for q in queries { _ = search(q) }
                seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            seconds.sort()
            let median = seconds.count % 2 == 1 ? seconds[seconds.count / 2] : (seconds[seconds.count / 2 - 1] + seconds[seconds.count / 2]) / 2
            return (results, Double(queries.count) / median, Double(queries.count) / seconds[0])
        }
        func emit(_ object: [String: Any]) throws {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        let common: [String: Any] = ["n": baseVectors.count, "queries": queries.count, "dimension": dimension, "k": k, "metric": metric.rawValue]

        let buildStart = DispatchTime.now().uptimeNanoseconds
        var hnsw: HNSWIndex
        var loaded = false
        if let index, FileManager.default.fileExists(atPath: index) {
            hnsw = try HNSWIndex(contentsOf: index)
            loaded = true
        } else {
            hnsw = HNSWIndex(dimension: dimension, metric: metric, parameters: .init(m: m, efConstruction: efConstruction))
            for (i, v) in baseVectors.enumerated() { try hnsw.insert(v, id: Int64(i)) }
            if let index { try hnsw.write(to: index) }
        }
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - buildStart) / 1e9
        for e in efs {
            hnsw.parameters.ef = e
            let (results, qps, best) = timeQueries { hnsw.search($0, k: k) }
            try emit(common.merging(["index": "mediakit-hnsw", "ef": e, "M": m, "ef_construction": efConstruction,
                                     (loaded ? "load_s" : "build_s"): buildSeconds, "recall": recall(results), "qps": qps, "qps_best": best]) { $1 })
        }
        if !noFlat {
            var flat = FlatVectorIndex(dimension: dimension, metric: metric)
            let flatStart = DispatchTime.now().uptimeNanoseconds
            for (i, v) in baseVectors.enumerated() { try flat.insert(v, id: Int64(i)) }
            let flatBuild = Double(DispatchTime.now().uptimeNanoseconds - flatStart) / 1e9
            let (results, qps, best) = timeQueries { flat.search($0, k: k) }
            try emit(common.merging(["index": "mediakit-flat", "build_s": flatBuild, "recall": recall(results),
                                     "qps": qps, "qps_best": best]) { $1 })
        }
    }

    /// A .fvecs file: per vector an int32 dimension, then that many float32 (little-endian).
    static func readVectors(_ path: String) throws -> [[Float]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var out: [[Float]] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var at = 0
            while at + 4 <= raw.count {
                let d = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
                guard d > 0, at + 4 + 4 * d <= raw.count else { throw ValidationError("\(path): damaged at byte \(at)") }
                out.append((0..<d).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 4 + 4 * $0, as: UInt32.self))) })
                at += 4 + 4 * d
            }
        }
        return out
    }

    /// An .ivecs file: per list an int32 count, then that many int32.
    static func readIntegers(_ path: String) throws -> [[Int]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var out: [[Int]] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var at = 0
            while at + 4 <= raw.count {
                let n = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
                guard n >= 0, at + 4 + 4 * n <= raw.count else { throw ValidationError("\(path): damaged at byte \(at)") }
                out.append((0..<n).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at + 4 + 4 * $0, as: Int32.self))) })
                at += 4 + 4 * n
            }
        }
        return out
    }
}
