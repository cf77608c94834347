import ArgumentParser
import Foundation
import MediaCore
import MediaStore

/// `mediabench search`: `Library.search(AssetQuery)` over a library of N synthetic assets
/// (``SearchSyntheticAssets``: a family's library, two owners, albums and a tag tree), each
/// query type as p50 and p99 of the first page of 100 and, for the broad ones, of a deep page
/// through the cursor; plus `timeline()` and `assets(inMonth:)`.
///
/// ```sh
/// swift build -c release --product mediabench
/// .build/release/mediabench search --library /tmp/mediakit-search/lib   # fills it the first time, reuses it after
/// ```
/// The fill goes through the SDK: `addAssets` in batches (places named by MediaCore's
/// `ReverseGeocoder`, as an import names them), `createAlbum`, `tag` (which also writes each
/// tagged asset's XMP sidecar). A file `mediabench-search.json` in the library records what
/// filled it and how long it took, so a rerun skips the fill and still reports it.
///
/// Output: one JSON object per line on stdout (`"phase"`); progress and a markdown table on stderr
/// (and in `--summary FILE`).
struct SearchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "p50/p99 of Library.search per query type over N synthetic assets (filled once, reused with --library)."
    )

    @Option(help: ArgumentHelp("The library folder: filled when it holds no library, reused when an earlier run with the same --assets and --seed filled it.", valueName: "DIR"))
    var library: String

    @Option(help: "Synthetic assets (both owners).")
    var assets = 1_000_000

    @Option(help: "Assets per addAssets call (one transaction each).")
    var batch = 1000

    @Option(help: "Seed of the generator; the same seed gives the same library and the same queries.")
    var seed: UInt64 = 1

    @Option(help: "Timed first pages per query type (each with its own parameters).")
    var runs = 100

    @Option(help: "Timed first pages of the query types that may read the whole table (a file-name number, no match).")
    var scanRuns = 30

    @Option(help: "Timed deep pages per query type that has them.")
    var deepRuns = 20

    @Option(help: "The deep page: reached through the cursor from page 1, only the last one timed.")
    var deepPage = 50

    @Option(help: "Assets per page.")
    var limit = 100

    @Option(help: "Only these query types (comma-separated names as in the table; empty: all).")
    var only = ""

    @Option(help: ArgumentHelp("Write the ids every run found to FILE (JSON lines; with the same seed, two builds' files should be equal). Adds untimed queries.", valueName: "FILE"))
    var dump: String?

    @Option(help: "Also write the markdown table to this file.")
    var summary: String?

    @Flag(help: "Delete an existing library at DIR first (only a folder holding library.sqlite).")
    var replace = false

    @Flag(help: "Check file-name searches against a reading of every asset, then stop (exit status 1 on a difference).")
    var verifyFileNames = false

    @Flag(help: "Fill (or check) the library, measure nothing.")
    var fillOnly = false

    @Flag(inversion: .prefixedNo, help: "Read the catalog file once before measuring, so it is in the page cache.")
    var warm = true

    func validate() throws {
        guard assets > 0, batch > 0, runs > 0, scanRuns > 0, deepRuns >= 0, deepPage > 1, (1...1000).contains(limit) else {
            throw ValidationError("--assets, --batch, --runs, --scan-runs and --limit must be positive, --deep-page above 1, --limit at most 1000")
        }
    }

    static let markerName = "mediabench-search.json"
    static let secondOwnerName = "family"

    func run() throws {
        let fm = FileManager.default
        let catalogPath = library + "/" + Library.catalogFileName
        let markerPath = library + "/" + Self.markerName
        if fm.fileExists(atPath: catalogPath) {
            if replace {
                try fm.removeItem(atPath: library)
            } else {
                guard let data = fm.contents(atPath: markerPath),
                      let marker = try? JSONDecoder().decode(FillRecord.self, from: data) else {
                    throw ValidationError("\(library) holds a library that `mediabench search` did not finish filling; give --replace")
                }
                guard marker.assets == assets, marker.seed == seed else {
                    throw ValidationError("\(library) was filled with --assets \(marker.assets) --seed \(marker.seed); give those or --replace")
                }
            }
        }
        let geocoder = try ReverseGeocoder.shared()
        let lib = try Library(at: library)
        let second = try lib.user(Self.secondOwnerName)?.id ?? lib.addUser(name: Self.secondOwnerName).id
        let generator = SearchSyntheticAssets(seed: seed, owners: (lib.defaultOwner, second), geocoder: geocoder)
        let record: FillRecord
        var reused = false
        if let data = fm.contents(atPath: markerPath), let marker = try? JSONDecoder().decode(FillRecord.self, from: data) {
            record = marker
            reused = true
            Output.note("reusing \(library): \(marker.assets) assets filled in \(Int(marker.totalSeconds)) s")
        } else {
            record = try fill(lib, generator)
            try JSONEncoder().encode(record).write(to: URL(fileURLWithPath: markerPath))
        }
        let catalogMiB = Memory.mib(Files.size(catalogPath)), walMiB = Memory.mib(Files.size(catalogPath + "-wal"))
        Output.emit([
            ("phase", "fill"), ("reused", reused), ("assets", record.assets), ("seed", Int(record.seed)),
            ("totalSeconds", record.totalSeconds), ("generateSeconds", record.generateSeconds), ("addAssetsSeconds", record.addAssetsSeconds),
            ("albumsSeconds", record.albumsSeconds), ("tagsSeconds", record.tagsSeconds), ("albums", record.albums),
            ("albumAssets", record.albumAssets), ("tags", record.tags), ("tagAssignments", record.tagAssignments),
            ("towns", generator.anchors.count), ("catalogMiB", catalogMiB), ("walMiB", walMiB),
        ])
        if fillOnly { return }
        if warm { warmCache(catalogPath) }
        var dumpHandle: FileHandle?
        if let dump {
            FileManager.default.createFile(atPath: dump, contents: nil)
            dumpHandle = FileHandle(forWritingAtPath: dump)
        }
        defer { try? dumpHandle?.close() }
        var measure = SearchMeasurements(library: lib, generator: generator, secondOwner: second, seed: seed, runs: runs,
                                         scanRuns: scanRuns, deepRuns: deepRuns, deepPage: deepPage, limit: limit,
                                         only: Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }), dump: dumpHandle)
        if verifyFileNames {
            let failures = try measure.verifyFileNames()
            Output.note(failures == 0 ? "file-name searches: all as a reading of every asset says" : "file-name searches: \(failures) differ")
            if failures > 0 { throw ExitCode(1) }
            return
        }
        let rows = try measure.run()
        var table = "| query | first page p50 | p99 | max | full pages | median results | deep page (\(deepPage)) p50 | p99 | deep runs |\n"
        table += "|---|---|---|---|---|---|---|---|---|\n"
        for row in rows { table += row.markdown + "\n" }
        let header = "mediabench search: \(record.assets) assets (seed \(record.seed)), fill \(Int(record.totalSeconds)) s, catalog \(catalogMiB) MiB + WAL \(walMiB) MiB\n\n"
        FileHandle.standardError.write(Data((header + table).utf8))
        if let summary { try (header + table).write(toFile: summary, atomically: true, encoding: .utf8) }
    }

    /// Reads the catalog once (8 MiB at a time), so the measurements find it in the page cache.
    private func warmCache(_ path: String) {
        let start = ContinuousClock.now
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        var bytes = 0
        while let chunk = try? handle.read(upToCount: 8 << 20), !chunk.isEmpty { bytes += chunk.count }
        try? handle.close()
        Output.note("read \(bytes >> 20) MiB of the catalog in \(Output.round(Output.seconds(ContinuousClock.now - start), 1)) s (page cache)")
    }

    /// What filled the library and how long it took.
    struct FillRecord: Codable {
        var assets: Int
        var seed: UInt64
        var batch: Int
        var generateSeconds = 0.0
        var addAssetsSeconds = 0.0
        var albumsSeconds = 0.0
        var tagsSeconds = 0.0
        var totalSeconds = 0.0
        var albums = 0
        var albumAssets = 0
        var tags = 0
        var tagAssignments = 0
        var finishedAt: String?
    }

    // MARK: Fill

    private func fill(_ lib: Library, _ generator: SearchSyntheticAssets) throws -> FillRecord {
        var record = FillRecord(assets: assets, seed: seed, batch: batch)
        let clock = ContinuousClock()
        let start = clock.now
        var ids: [AssetID] = []
        ids.reserveCapacity(assets)
        var facts: [SearchSyntheticAssets.Facts] = []
        facts.reserveCapacity(assets)
        var generate = Duration.zero, insert = Duration.zero
        var done = 0, windowStart = start
        Output.note("filling \(library): \(assets) assets, \(generator.anchors.count) towns")
        while done < assets {
            let n = min(batch, assets - done)
            let t0 = clock.now
            var rows: [Asset] = []
            rows.reserveCapacity(n)
            for i in done..<(done + n) {
                let (asset, fact) = generator.asset(i)
                rows.append(asset)
                ids.append(asset.id)
                facts.append(fact)
            }
            let t1 = clock.now
            try lib.addAssets(rows)
            let t2 = clock.now
            generate += t1 - t0
            insert += t2 - t1
            done += n
            if done % 100_000 == 0 || done == assets {
                let elapsed = Output.seconds(t2 - start)
                Output.emit([
                    ("phase", "search-insert"), ("inserted", done), ("seconds", Output.round(elapsed, 1)),
                    ("ratePerSecond", Output.round(Double(done) / elapsed, 0)),
                    ("lastWindowRatePerSecond", Output.round(100_000 / Output.seconds(t2 - windowStart), 0)),
                    ("rssMiB", Memory.mib(Memory.status("VmRSS"))),
                ])
                windowStart = t2
            }
        }
        record.generateSeconds = Output.round(Output.seconds(generate), 1)
        record.addAssetsSeconds = Output.round(Output.seconds(insert), 1)

        // Albums: events, a window of days of one owner's photos (180 of the first owner, 20 of the second).
        let albumsStart = clock.now
        var r = SplitMix64(seed: seed ^ 0xA1B0)
        for secondOwner in [false, true] {
            let owner = secondOwner ? generator.owners.second : generator.owners.first
            let timeline = Self.sortedTimes(facts, secondOwner: secondOwner)
            let count = secondOwner ? 20 : 180
            for n in 0..<count {
                let target = min(3000, max(10, Int(exp(log(150.0) + 1.0 * Self.gaussian(&r)))))
                let members = Self.window(timeline, size: target, r: &r).map { ids[$0] }
                let album = try lib.createAlbum(name: Self.albumName(n, &r), owner: owner, assets: members)
                record.albums += 1
                record.albumAssets += album.assetCount
            }
        }
        record.albumsSeconds = Output.round(Output.seconds(clock.now - albumsStart), 1)
        Output.note("albums: \(record.albums), \(record.albumAssets) assets in them, \(record.albumsSeconds) s")

        // Tags: a tree of ~100; event-like ones on windows of days, the others on random assets.
        let tagsStart = clock.now
        let paths = Self.tagPaths
        var order = Array(paths.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, Int(r.next() % UInt64(i + 1))) }
        let harmonic = paths.indices.reduce(0.0) { $0 + 1 / Double($1 + 1) }
        let firstOwner = Self.sortedTimes(facts, secondOwner: false)
        let firstOwnerAll = facts.indices.filter { !facts[$0].secondOwner }
        for (rank, index) in order.enumerated() {
            let path = paths[index]
            // ~100,000 assignments at a million assets (Zipf over the tags), fewer in smaller libraries.
            let scale = min(1, Double(assets) / 1_000_000)
            let size = min(firstOwnerAll.count / 4, max(50, Int(100_000 * scale / harmonic / Double(rank + 1))))
            var members = Set<Int>()
            if path.hasPrefix("travel/") || path.hasPrefix("events/") || path.hasPrefix("projects/") {
                var windows = 0
                while members.count < size, windows < 10_000 {
                    for m in Self.window(firstOwner, size: min(size - members.count, 50 + Int(r.next() % 400)), r: &r) { members.insert(m) }
                    windows += 1
                }
            } else {
                while members.count < size { members.insert(firstOwnerAll[Int(r.next() % UInt64(firstOwnerAll.count))]) }
            }
            let chosen = members.sorted().map { ids[$0] }
            var start = 0
            while start < chosen.count {
                try lib.tag(Array(chosen[start..<min(chosen.count, start + 2000)]), with: [path])
                start += 2000
            }
            record.tagAssignments += chosen.count
        }
        // A few tags of the second owner.
        let secondAll = facts.indices.filter { facts[$0].secondOwner }
        for path in ["family", "travel/spain", "nature/beach", "pets/dog"] where !secondAll.isEmpty {
            let chosen = (0..<300).map { _ in ids[secondAll[Int(r.next() % UInt64(secondAll.count))]] }
            try lib.tag(chosen, with: [path], owner: generator.owners.second)
            record.tagAssignments += chosen.count
        }
        record.tags = try lib.tags().count
        record.tagsSeconds = Output.round(Output.seconds(clock.now - tagsStart), 1)
        Output.note("tags: \(record.tags), \(record.tagAssignments) assignments, \(record.tagsSeconds) s (with their XMP sidecars)")
        record.totalSeconds = Output.round(Output.seconds(clock.now - start), 1)
        record.finishedAt = ISO8601DateFormatter().string(from: Date())
        return record
    }

    /// (local seconds, index) of one owner's dated assets, by time.
    private static func sortedTimes(_ facts: [SearchSyntheticAssets.Facts], secondOwner: Bool) -> [(Double, Int)] {
        var out: [(Double, Int)] = []
        for (i, f) in facts.enumerated() where f.secondOwner == secondOwner {
            if let t = f.localSeconds { out.append((t, i)) }
        }
        out.sort { $0.0 < $1.0 }
        return out
    }

    /// `size` assets taken one after another (an event): four in five of the run of the owner's
    /// dated assets that starts at a random one of `timeline` (so busy years get more events).
    private static func window(_ timeline: [(Double, Int)], size: Int, r: inout SplitMix64) -> [Int] {
        guard !timeline.isEmpty, size > 0 else { return [] }
        let run = min(timeline.count, size + size / 4)
        let start = Int(r.next() % UInt64(timeline.count - run + 1))
        var members = timeline[start..<(start + run)].map(\.1)
        for i in 0..<min(size, members.count - 1) { members.swapAt(i, i + Int(r.next() % UInt64(members.count - i))) }
        return Array(members.prefix(size))
    }

    private static func gaussian(_ r: inout SplitMix64) -> Double {
        (-2 * log(max(1e-12, r.unit()))).squareRoot() * cos(2 * .pi * r.unit())
    }

    private static func albumName(_ n: Int, _ r: inout SplitMix64) -> String {
        let kinds = ["Holidays", "Birthday", "Trip", "Wedding", "Weekend", "Christmas", "Best of", "Summer", "Family", "Hike"]
        return "\(r.pick(kinds)) \(n + 1)"
    }

    /// The tag tree (parents are made by `tag`): ~100 tags with the parents.
    static let tagPaths: [String] = {
        var paths: [String] = []
        for country in ["portugal", "spain", "france", "italy", "japan", "usa", "greece", "iceland", "thailand", "morocco",
                        "mexico", "peru", "norway", "australia", "croatia", "scotland"] { paths.append("travel/" + country) }
        paths += ["travel/portugal/lisbon", "travel/portugal/porto", "travel/japan/tokyo", "travel/japan/kyoto", "travel/italy/rome",
                  "travel/italy/venice", "travel/usa/new york", "travel/usa/california"]
        paths += ["family/mum", "family/dad", "family/grandma", "family/grandpa", "family/kids/anna", "family/kids/tom", "family/cousins",
                  "family/holidays", "family"]
        paths += ["friends/school", "friends/university", "friends/work", "friends/neighbours"]
        paths += ["nature/mountains", "nature/beach", "nature/forest", "nature/sunset", "nature/flowers", "nature/birds", "nature/snow",
                  "nature/lakes", "nature/waterfalls", "nature/autumn", "nature"]
        paths += ["food/dinner", "food/baking", "food/restaurants", "food/wine"]
        paths += ["events/birthday", "events/christmas", "events/easter", "events/new year", "events/graduation", "events/concert",
                  "events/festival", "events/wedding"]
        paths += ["pets/cat", "pets/dog", "pets/dog/bella"]
        paths += ["sports/football", "sports/cycling", "sports/running", "sports/skiing", "sports/surfing", "sports/tennis"]
        paths += ["home/garden", "home/renovation", "home/kitchen"]
        paths += ["work/conference", "work/team", "work/office"]
        paths += ["projects/photo book 2019", "projects/photo book 2023", "projects/scans", "projects/film"]
        paths += ["documents/receipts", "documents/screenshots"]
        paths += ["people/alice", "people/bruno", "people/carla", "people/david", "people/eva", "people/filipe"]
        return paths
    }()
}
