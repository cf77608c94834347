import ArgumentParser
import Foundation
import MediaCore
import MediaML
@_spi(Benchmarks) import MediaStore

/// `mediabench neardup`: the cost of near-duplicate lookup over synthetic perceptual hashes, at
/// growing scales (10k, 100k, 1M by default), on both paths issue 5 has:
///
/// - `memory-index`: MediaML's `HammingIndex` (multi-index hashing, four 16-bit substrings):
///   build time, per-query radius lookups at the default policy's pHash radius, the entries the
///   query reads (its candidates), and a linear scan of the same hashes for comparison (its
///   results checked against the index's).
/// - `memory-finder`: `NearDuplicateFinder` (the index plus the dHash check and the groups):
///   N adds, then the per-add cost of new pictures (up to `--finder-up-to` hashes).
/// - `catalog-fill` / `catalog-record`: a library of N + Q synthetic assets (`addAssets`), N
///   hash rows written (no lookup), then the per-asset cost of recording a hash as an import
///   does (row, the four indexed substring lookups, the pairs) inside a write transaction, and
///   of the lookup alone; each timed batch is rolled back, so the catalog keeps N hashes.
///
/// Hashes (`SyntheticHashes`): most are new pictures (pHash with 32 bits set, as a median
/// threshold gives; dHash random); `--copies` of them are near copies of an earlier one (up to
/// 8 pHash and 10 dHash bits flipped, within the default policy), so families form. Queries are
/// near copies of an indexed hash (`--query-copies` of them) or new pictures.
struct NearDupBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neardup",
        abstract: "Near-duplicate lookup over N synthetic perceptual hashes: HammingIndex in memory (vs a linear scan) and the catalog's indexed substrings."
    )

    @Option(help: "Hashes at the largest scale.")
    var hashes = 1_000_000

    @Option(help: "Smaller scales measured on the way, comma-separated (prefixes of the same hashes; empty for none).")
    var scales = "10000,100000"

    @Option(help: "Timed radius queries per scale, in memory.")
    var queries = 10_000

    @Option(help: "Of those, how many a linear scan also answers (timed; results compared).")
    var scanQueries = 200

    @Option(help: "Fraction of the hashes that are near copies of an earlier one.")
    var copies = 0.1

    @Option(help: "Fraction of the queries that are near copies of an indexed hash (the rest: new pictures).")
    var queryCopies = 0.5

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Library folder for the catalog phases: created, or reused when it holds the library an earlier run with the same --hashes, --catalog-queries and --seed filled (then only the largest scale is measured). Default: a temporary folder, deleted afterwards.", valueName: "DIR"))
    var library: String?

    @Flag(help: "Delete an existing library at DIR first (only a folder holding library.sqlite).")
    var replace = false

    @Option(help: "New assets whose hash records are timed in the catalog, per scale.")
    var catalogQueries = 1000

    @Option(help: "Timed records per write transaction (an import's batch size).")
    var catalogBatch = 64

    @Option(help: "Assets per transaction (addAssets call) while filling the catalog.")
    var fillBatch = 1000

    @Option(help: "Hash rows per transaction while filling the catalog (fewer, larger transactions rewrite fewer index pages).")
    var hashFillBatch = 50_000

    @Option(help: "Largest scale of the memory-finder phase (building a finder by adds costs a lookup per add: minutes at 1M).")
    var finderUpTo = 100_000

    @Flag(help: "Skip the in-memory phases.")
    var noMemory = false

    @Flag(help: "Skip the catalog phases.")
    var noCatalog = false

    func validate() throws {
        guard hashes > 0, queries > 0, scanQueries >= 0, catalogQueries > 0, catalogBatch > 0, fillBatch > 0, hashFillBatch > 0 else {
            throw ValidationError("--hashes, --queries, --catalog-queries and the batches must be positive")
        }
        guard (0...1).contains(copies), (0...1).contains(queryCopies) else { throw ValidationError("--copies and --query-copies are fractions") }
        guard parsedScales() != nil else { throw ValidationError("--scales: comma-separated positive integers") }
    }

    private func parsedScales() -> [Int]? {
        var out: [Int] = []
        for part in scales.split(separator: ",") {
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else { return nil }
            if n < hashes { out.append(n) }
        }
        return Array(Set(out + [hashes])).sorted()
    }

    func run() throws {
        let policy = NearDuplicatePolicy()
        let sizes = parsedScales() ?? [hashes]
        let clock = ContinuousClock()
        let start = clock.now
        let (data, generated) = measure { SyntheticHashes(count: hashes, copies: copies, seed: seed) }
        Output.emit([
            ("phase", "neardup-data"), ("hashes", hashes), ("scales", sizes.map(String.init).joined(separator: ",")), ("seed", Int(seed)),
            ("nearCopies", data.copies), ("pHashRadius", policy.maxPHashDistance), ("dHashRadius", policy.maxDHashDistance),
            ("substringProbes", HammingIndex.substringMasks(radius: policy.maxPHashDistance).count * 4),
            ("queryCopies", queryCopies), ("generateSeconds", Output.round(generated, 2)),
        ])
        if !noMemory {
            for n in sizes {
                memoryIndex(data, n: n, policy: policy)
                if n <= finderUpTo { memoryFinder(data, n: n, policy: policy) }
            }
        }
        if !noCatalog { try catalog(data, sizes: sizes, policy: policy) }
        Output.emit([("phase", "neardup-done"), ("seconds", Output.round(Output.seconds(clock.now - start), 1)),
                     ("peakRssMiB", Memory.mib(Memory.status("VmHWM")))])
    }

    // MARK: In memory

    private func memoryIndex(_ data: SyntheticHashes, n: Int, policy: NearDuplicatePolicy) {
        let radius = policy.maxPHashDistance
        let rssBefore = Memory.status("VmRSS")
        var index = HammingIndex()
        let (_, build) = measure { for i in 0..<n { index.insert(data.hashes[i].phash, id: Int64(i)) } }
        let rssAfter = Memory.status("VmRSS")
        let qs = data.queries(count: queries, among: n, fraction: queryCopies, seed: seed ^ 0x5151)
        let counts = SubstringCounts(data.hashes.prefix(n).map(\.phash))

        var times = Sample(), candidates = 0, found = 0, withMatch = 0
        var kept: [[Int64]] = []
        let clock = ContinuousClock()
        for (k, q) in qs.enumerated() {
            let t0 = clock.now
            let result = index.neighbours(of: q.phash, within: radius)
            times.add(Output.seconds(clock.now - t0) * 1e6)
            found += result.count
            if !result.isEmpty { withMatch += 1 }
            candidates += counts.candidates(q.phash, radius: radius)
            if k < scanQueries { kept.append(result.map(\.id)) }
        }

        // The linear scan of the same pHashes, on the first scanQueries queries.
        var scanTimes = Sample(), agree = true
        let phashes = data.hashes.prefix(n).map(\.phash)
        phashes.withUnsafeBufferPointer { all in
            for k in 0..<min(scanQueries, qs.count) {
                let t0 = clock.now
                let result = Self.scan(all, qs[k].phash, radius: radius)
                scanTimes.add(Output.seconds(clock.now - t0) * 1e6)
                if result != kept[k] { agree = false }
            }
        }
        let candidatesMean = Double(candidates) / Double(qs.count)
        Output.emit([
            ("phase", "memory-index"), ("n", n), ("radius", radius), ("buildSeconds", Output.round(build, 3)),
            ("insertsPerSecond", Output.round(Double(n) / build, 0)), ("indexMiB", Memory.mib(rssAfter - rssBefore)),
            ("queries", qs.count), ("queriesWithMatch", withMatch), ("matchesMean", Output.round(Double(found) / Double(qs.count), 3)),
            ("p50Us", Output.round(times.percentile(0.5), 2)), ("p99Us", Output.round(times.percentile(0.99), 2)),
            ("meanUs", Output.round(times.mean, 2)), ("maxUs", Output.round(times.max, 1)),
            ("candidatesMean", Output.round(candidatesMean, 1)),
            ("candidatesPerMille", Output.round(1000 * candidatesMean / Double(n), 3)),
            ("scanQueries", scanTimes.values.count), ("scanP50Us", Output.round(scanTimes.percentile(0.5), 1)),
            ("scanP99Us", Output.round(scanTimes.percentile(0.99), 1)),
            ("speedupP50", Output.round(scanTimes.percentile(0.5) / times.percentile(0.5), 1)), ("scanAgrees", agree),
        ])
    }

    /// Every id within `radius` of `query`, nearest first (ties by id), as `HammingIndex` orders them.
    static func scan(_ all: UnsafeBufferPointer<UInt64>, _ query: UInt64, radius: Int) -> [Int64] {
        var hits: [(id: Int64, distance: Int)] = []
        for i in 0..<all.count {
            let d = (all[i] ^ query).nonzeroBitCount
            if d <= radius { hits.append((Int64(i), d)) }
        }
        return hits.sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }.map(\.id)
    }

    private func memoryFinder(_ data: SyntheticHashes, n: Int, policy: NearDuplicatePolicy) {
        var finder = NearDuplicateFinder(policy: policy)
        var pairs = 0
        let (_, build) = measure { for i in 0..<n { pairs += finder.add(id: Int64(i), hash: data.hashes[i]).count } }
        let qs = data.queries(count: queries, among: n, fraction: queryCopies, seed: seed ^ 0x5151)
        var times = Sample(), found = 0
        let clock = ContinuousClock()
        for (k, q) in qs.enumerated() {
            let t0 = clock.now
            let result = finder.add(id: Int64(n + k), hash: q)
            times.add(Output.seconds(clock.now - t0) * 1e6)
            found += result.count
        }
        Output.emit([
            ("phase", "memory-finder"), ("n", n), ("buildSeconds", Output.round(build, 3)),
            ("addsPerSecond", Output.round(Double(n) / build, 0)), ("pairsFound", pairs),
            ("newAdds", qs.count), ("addP50Us", Output.round(times.percentile(0.5), 2)),
            ("addP99Us", Output.round(times.percentile(0.99), 2)), ("addMeanUs", Output.round(times.mean, 2)),
            ("matchesMean", Output.round(Double(found) / Double(qs.count), 3)),
        ])
    }

    // MARK: In the catalog

    private func catalog(_ data: SyntheticHashes, sizes: [Int], policy: NearDuplicatePolicy) throws {
        let fm = FileManager.default
        let folder = library ?? (NSTemporaryDirectory() + "mediabench-neardup-" + UUID().uuidString)
        defer { if library == nil { try? fm.removeItem(atPath: folder) } }
        let catalogPath = folder + "/" + Library.catalogFileName
        if fm.fileExists(atPath: catalogPath), replace { try fm.removeItem(atPath: folder) }
        let existed = fm.fileExists(atPath: catalogPath)
        let lib = try Library(at: folder)
        let assets = SyntheticAssets(seed: seed, owner: lib.defaultOwner)
        let total = hashes + catalogQueries
        var filled = 0
        var measured = sizes
        if existed {
            let stored = try lib.perceptualHashCountForBenchmark()
            guard stored == hashes, try lib.asset(assets.id(total - 1)) != nil, try lib.asset(assets.id(total)) == nil else {
                throw ValidationError("\(folder) holds a library this command did not fill with --hashes \(hashes) --catalog-queries \(catalogQueries) --seed \(seed) (\(stored) hashes); give --replace to start again")
            }
            filled = hashes
            measured = [hashes]
            Output.note("reusing \(folder): \(stored) hashes")
        } else {
            let (_, seconds) = try measure {
                var done = 0
                while done < total {
                    let k = min(fillBatch, total - done)
                    try lib.addAssets((done..<(done + k)).map(assets.asset))
                    done += k
                }
            }
            Output.emit([("phase", "catalog-assets"), ("assets", total), ("seconds", Output.round(seconds, 1)),
                         ("ratePerSecond", Output.round(Double(total) / seconds, 0))])
        }
        let ids = (0..<total).map(assets.id)
        let newIDs = Array(ids[hashes..<total])

        for n in measured {
            if filled < n {
                let rows = n - filled
                let (_, seconds) = try measure {
                    while filled < n {
                        let k = min(hashFillBatch, n - filled)
                        try lib.recordPerceptualHashesForBenchmark((filled..<(filled + k)).map { (ids[$0], data.hashes[$0]) },
                                                                    findingMatches: false)
                        filled += k
                    }
                }
                Output.emit([("phase", "catalog-fill"), ("n", n), ("rows", rows), ("batch", hashFillBatch),
                             ("seconds", Output.round(seconds, 1)), ("rowsPerSecond", Output.round(Double(rows) / seconds, 0)),
                             ("catalogMiB", Memory.mib(Files.size(catalogPath))),
                             ("walMiB", Memory.mib(Files.size(catalogPath + "-wal")))])
            }
            let qs = data.queries(count: catalogQueries, among: n, fraction: queryCopies, seed: seed ^ 0xCA7A)
            let counts = SubstringCounts(data.hashes.prefix(n).map(\.phash))
            let candidates = qs.reduce(0) { $0 + counts.candidates($1.phash, radius: policy.maxPHashDistance) }

            // A library opened anew: its first lookup loads the owner's N hashes into memory.
            let fresh = try Library(at: folder)
            let rssBefore = Memory.mib(Memory.status("VmRSS"))
            let (_, loadSeconds) = try measure { try fresh.timeNearDuplicateLookupsForBenchmark([qs[0]]) }
            Output.emit([("phase", "catalog-load"), ("n", n), ("seconds", Output.round(loadSeconds, 2)),
                         ("rssBeforeMiB", rssBefore), ("rssAfterMiB", Memory.mib(Memory.status("VmRSS")))])

            var records = Sample(), pairs = 0, transactions = Sample()
            let clock = ContinuousClock()
            var done = 0
            while done < qs.count {
                let k = min(catalogBatch, qs.count - done)
                let t0 = clock.now
                let timed = try lib.timePerceptualHashRecordsForBenchmark((done..<(done + k)).map { (newIDs[$0], qs[$0]) })
                transactions.add(Output.seconds(clock.now - t0) * 1e3)
                for t in timed {
                    records.add(Output.seconds(t.duration) * 1e6)
                    pairs += t.pairs
                }
                done += k
            }
            var lookups = Sample(), matches = 0
            for t in try lib.timeNearDuplicateLookupsForBenchmark(qs) {
                lookups.add(Output.seconds(t.duration) * 1e6)
                matches += t.matches
            }
            Output.emit([
                ("phase", "catalog-record"), ("n", n), ("records", records.values.count), ("batch", catalogBatch),
                ("recordP50Us", Output.round(records.percentile(0.5), 1)), ("recordP99Us", Output.round(records.percentile(0.99), 1)),
                ("recordMeanUs", Output.round(records.mean, 1)), ("pairsMean", Output.round(Double(pairs) / Double(qs.count), 3)),
                ("transactionP50Ms", Output.round(transactions.percentile(0.5), 1)),
                ("lookupP50Us", Output.round(lookups.percentile(0.5), 1)), ("lookupP99Us", Output.round(lookups.percentile(0.99), 1)),
                ("lookupMeanUs", Output.round(lookups.mean, 1)), ("matchesMean", Output.round(Double(matches) / Double(qs.count), 3)),
                ("candidatesMean", Output.round(Double(candidates) / Double(qs.count), 1)),
            ])
        }
    }

    private func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let value = try body()
        return (value, Output.seconds(clock.now - start))
    }
}

/// Synthetic perceptual hashes, generated in order so that the first n of a larger set are the
/// set of n. Hash i is, with probability `copies`, a near copy of a uniformly chosen earlier
/// hash (families and chains form), else a new picture.
struct SyntheticHashes {
    private(set) var hashes: [PerceptualHash] = []
    private(set) var copies = 0

    /// Largest flips of a near copy: within the default policy (pHash 10, dHash 12).
    static let maxPHashFlips = 8
    static let maxDHashFlips = 10

    init(count: Int, copies fraction: Double, seed: UInt64) {
        var r = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ 0x4E44)
        hashes.reserveCapacity(count)
        for i in 0..<count {
            if i > 0, r.chance(fraction) {
                hashes.append(Self.nearCopy(of: hashes[Int(r.next() % UInt64(i))], &r))
                copies += 1
            } else {
                hashes.append(Self.fresh(&r))
            }
        }
    }

    /// A new picture: a pHash with 32 bits set (its 64 coefficients thresholded at their median), a random dHash.
    static func fresh(_ r: inout SplitMix64) -> PerceptualHash {
        var p = r.next()
        while p.nonzeroBitCount > 32 { p &= ~(UInt64(1) << (r.next() & 63)) }
        while p.nonzeroBitCount < 32 { p |= UInt64(1) << (r.next() & 63) }
        return PerceptualHash(phash: p, dhash: r.next())
    }

    /// Another copy of a picture: a few bits of each hash flipped.
    static func nearCopy(of h: PerceptualHash, _ r: inout SplitMix64) -> PerceptualHash {
        PerceptualHash(phash: h.phash ^ flips(r.int(0...maxPHashFlips), &r), dhash: h.dhash ^ flips(r.int(0...maxDHashFlips), &r))
    }

    static func flips(_ k: Int, _ r: inout SplitMix64) -> UInt64 {
        var mask: UInt64 = 0
        while mask.nonzeroBitCount < k { mask |= UInt64(1) << (r.next() & 63) }
        return mask
    }

    /// Query hashes over the first `n`: near copies of one of them (`fraction`) or new pictures.
    func queries(count: Int, among n: Int, fraction: Double, seed: UInt64) -> [PerceptualHash] {
        var r = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            r.chance(fraction) ? Self.nearCopy(of: hashes[Int(r.next() % UInt64(n))], &r) : Self.fresh(&r)
        }
    }
}

/// How many entries each 16-bit substring value holds, per substring: what a multi-index query
/// reads (its candidates), counted without the index.
struct SubstringCounts {
    private var counts = [[Int32]](repeating: [Int32](repeating: 0, count: 1 << 16), count: 4)

    init(_ phashes: [UInt64]) {
        for h in phashes { for t in 0..<4 { counts[t][Self.substring(h, t)] += 1 } }
    }

    static func substring(_ h: UInt64, _ t: Int) -> Int { Int(UInt16(truncatingIfNeeded: h >> UInt64(48 - 16 * t))) }

    /// The entries a radius query of `h` reads, over the four tables (an entry met in several counts each time).
    func candidates(_ h: UInt64, radius: Int) -> Int {
        let masks = HammingIndex.substringMasks(radius: radius)
        var total = 0
        for t in 0..<4 {
            let s = Self.substring(h, t)
            for m in masks { total += Int(counts[t][s ^ Int(m)]) }
        }
        return total
    }
}
