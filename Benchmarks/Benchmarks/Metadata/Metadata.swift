import Benchmark
import Foundation
import MediaCore

/// Metadata reading and content hashing over the shared corpus (../../shared/corpus or
/// $MEDIAKIT_CORPUS). The side-by-side comparison with exiftool is scripts/bench-metadata.sh.
let corpus: String = {
    if let env = ProcessInfo.processInfo.environment["MEDIAKIT_CORPUS"] { return env + "/media" }
    return FileManager.default.currentDirectoryPath + "/../../shared/corpus/media"
}()

let files: [String] = Array(FileWalker.files(under: [corpus]))

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
                                           maxDuration: .seconds(5))

    Benchmark("Read metadata of every corpus file", configuration: .init(scalingFactor: .one)) { benchmark in
        let reader = StandardMetadataReader()
        for _ in benchmark.scaledIterations {
            for path in files { blackHole(try? reader.read(path: path)) }
        }
    }

    Benchmark("SHA-256 + SHA-1 of every corpus file", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            for path in files { blackHole(try? ContentHash.ofFile(atPath: path)) }
        }
    }
}
