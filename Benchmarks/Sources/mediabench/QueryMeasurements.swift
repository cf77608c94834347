import Foundation
import MediaCore
import MediaStore

/// The read side over a library of `count` synthetic assets: timeline, statistics, point and
/// prefix lookups, and streaming everything with `forEachAsset`.
struct QueryMeasurements {
    let library: Library
    let generator: SyntheticAssets
    let count: Int
    let options: QueryOptions

    private let clock = ContinuousClock()

    func run() throws {
        try timeline()
        try statistics()
        try lookups()
        try prefixLookups()
        if options.stream { try stream() }
        Output.emit([("phase", "done"), ("peakRssMiB", Memory.mib(Memory.status("VmHWM")))])
    }

    private func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let start = clock.now
        let value = try body()
        return (value, Output.seconds(clock.now - start))
    }

    private func timeline() throws {
        guard options.timelineRuns > 0 else { return }
        var sample = Sample()
        var buckets = 0, total = 0
        for _ in 0..<options.timelineRuns {
            let (result, seconds) = try time { try library.timeline() }
            sample.add(seconds * 1000)
            buckets = result.count
            total = result.reduce(0) { $0 + $1.count }
        }
        Output.emit([
            ("phase", "timeline"), ("runs", sample.values.count), ("buckets", buckets), ("assetsInTimeline", total),
            ("firstMs", Output.round(sample.values[0], 2)), ("p50Ms", Output.round(sample.percentile(0.5), 2)),
            ("p99Ms", Output.round(sample.percentile(0.99), 2)), ("minMs", Output.round(sample.min, 2)),
        ])
    }

    private func statistics() throws {
        guard options.statisticsRuns > 0 else { return }
        var sample = Sample()
        var stats = LibraryStatistics()
        for _ in 0..<options.statisticsRuns {
            let (result, seconds) = try time { try library.statistics() }
            sample.add(seconds * 1000)
            stats = result
        }
        Output.emit([
            ("phase", "statistics"), ("runs", sample.values.count), ("assets", stats.assets), ("withLocation", stats.withLocation),
            ("videos", stats.videos), ("formats", stats.formats.count),
            ("firstMs", Output.round(sample.values[0], 1)), ("p50Ms", Output.round(sample.percentile(0.5), 1)),
            ("maxMs", Output.round(sample.max, 1)),
        ])
    }

    /// Random ids of assets the generator made (recomputed from the seed, not kept in memory).
    private func lookups() throws {
        guard count > 0, options.lookups > 0 else { return }
        var r = SplitMix64(seed: 0xB0B)
        var sample = Sample()
        var found = 0
        for _ in 0..<options.lookups {
            let id = generator.id(Int(r.next() % UInt64(count)))
            let (asset, seconds) = try time { try library.asset(id) }
            if asset?.id == id { found += 1 }
            sample.add(seconds * 1_000_000)
        }
        Output.emit([
            ("phase", "lookup"), ("runs", sample.values.count), ("found", found),
            ("p50Us", Output.round(sample.percentile(0.5), 1)), ("p99Us", Output.round(sample.percentile(0.99), 1)),
            ("maxUs", Output.round(sample.max, 1)), ("meanUs", Output.round(sample.mean, 1)),
        ])
    }

    /// `asset(matching:)` with the first 8 hex digits of a SHA-256, and of an id (`media show PREFIX`).
    private func prefixLookups() throws {
        guard count > 0, options.prefixLookups > 0 else { return }
        var r = SplitMix64(seed: 0xC0FFEE)
        for kind in ["sha256", "id"] {
            var sample = Sample()
            var found = 0
            for _ in 0..<options.prefixLookups {
                let index = Int(r.next() % UInt64(count))
                let full = kind == "id" ? generator.id(index).description
                    : ContentHash.of(Array(generator.contentKey(index).utf8)).sha256
                let (asset, seconds) = try time { try library.asset(matching: String(full.prefix(8))) }
                if asset != nil { found += 1 }
                sample.add(seconds * 1000)
            }
            Output.emit([
                ("phase", "prefix-lookup"), ("prefix", kind), ("length", 8), ("runs", sample.values.count), ("found", found),
                ("p50Ms", Output.round(sample.percentile(0.5), 1)), ("maxMs", Output.round(sample.max, 1)),
            ])
        }
    }

    /// Every asset through `forEachAsset`, with the process's RSS before and after; VmHWM is reset
    /// first (when the kernel allows) so the peak is this phase's own.
    private func stream() throws {
        let rssBefore = Memory.status("VmRSS")
        let hwmBefore = Memory.status("VmHWM")
        let reset = Memory.resetPeak()
        var seen = 0, located = 0
        var bytes: Int64 = 0
        var checkpoints: [Double] = []
        let (_, seconds) = try time {
            try library.forEachAsset { asset in
                seen += 1
                bytes &+= asset.size
                if asset.metadata.location != nil { located += 1 }
                if seen % max(1, count / 4) == 0 { checkpoints.append(Memory.mib(Memory.status("VmRSS"))) }
                return true
            }
        }
        Output.emit([
            ("phase", "forEachAsset"), ("assets", seen), ("withLocation", located), ("seconds", Output.round(seconds, 2)),
            ("assetsPerSecond", Output.round(Double(seen) / seconds, 0)),
            ("rssBeforeMiB", Memory.mib(rssBefore)), ("peakRssBeforeMiB", Memory.mib(hwmBefore)),
            ("rssAtQuartersMiB", checkpoints),
            ("rssAfterMiB", Memory.mib(Memory.status("VmRSS"))), ("peakRssAfterMiB", Memory.mib(Memory.status("VmHWM"))),
            ("peakWasReset", reset),
        ])
    }
}
