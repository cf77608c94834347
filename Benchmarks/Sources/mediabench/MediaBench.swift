import ArgumentParser
import Foundation
import MediaStore

/// `mediabench`: the scale figures of a MediaKit library, on synthetic data.
///
/// ```sh
/// swift build -c release --product mediabench
/// .build/release/mediabench catalog --library /tmp/lib1m --assets 1000000   # insert, then measure
/// .build/release/mediabench query --library /tmp/lib1m                      # measure an existing one
/// .build/release/mediabench neardup --hashes 1000000                        # near-duplicate lookup
/// .build/release/mediabench search --library /tmp/mediakit-search/lib       # Library.search per query type
/// ```
/// Output: one JSON object per line on stdout (`"phase"` says what it measured); progress on stderr.
@main
struct MediaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediabench",
        abstract: "Scale benchmarks of a MediaKit library on synthetic assets, and of its vector indexes.",
        subcommands: [CatalogBench.self, QueryBench.self, SearchBench.self, AnnBench.self, NearDupBench.self, PlacesBench.self]
    )
}

/// Options shared by the commands that measure queries.
struct QueryOptions: ParsableArguments {
    @Option(help: "Runs of library.timeline() (0 to skip).")
    var timelineRuns = 20

    @Option(help: "Runs of library.statistics() (0 to skip).")
    var statisticsRuns = 5

    @Option(help: "Random point lookups with library.asset(id).")
    var lookups = 1000

    @Option(help: "Lookups by a hash or id prefix with library.asset(matching:) (what `media show PREFIX` does).")
    var prefixLookups = 5

    @Flag(inversion: .prefixedNo, help: "Stream every asset with library.forEachAsset.")
    var stream = true
}

/// `mediabench catalog`: a fresh library of N synthetic assets, inserted with `addAssets` in
/// batches, then the query measurements.
struct CatalogBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Create a library of N synthetic assets (addAssets in batches), then measure queries over it."
    )

    @Option(help: ArgumentHelp("The library folder to create (must not hold a library unless --replace).", valueName: "DIR"))
    var library: String

    @Option(help: "Synthetic assets to insert.")
    var assets = 1_000_000

    @Option(help: "Assets per addAssets call (one transaction each).")
    var batch = 1000

    @Option(help: "Seed of the generator; the same seed gives the same assets.")
    var seed: UInt64 = 1

    @Option(help: "Print an insert-progress line every this many assets.")
    var every = 100_000

    @Flag(help: "Delete an existing library at DIR first (only a folder holding library.sqlite).")
    var replace = false

    @OptionGroup var query: QueryOptions

    func validate() throws {
        guard assets > 0, batch > 0, every > 0 else { throw ValidationError("--assets, --batch and --every must be positive") }
    }

    func run() throws {
        try prepareFolder()
        let openStart = ContinuousClock.now
        let lib = try Library(at: library)
        Output.emit([
            ("phase", "open"), ("library", lib.path), ("seconds", Output.round(Output.seconds(ContinuousClock.now - openStart), 3)),
            ("assets", assets), ("batch", batch), ("seed", Int(seed)),
        ])

        let generator = SyntheticAssets(seed: seed, owner: lib.defaultOwner)
        let clock = ContinuousClock()
        let start = clock.now
        var insertTime = Duration.zero, generateTime = Duration.zero
        var windowStart = start, windowCount = 0
        var done = 0
        while done < assets {
            let n = min(batch, assets - done)
            let g0 = clock.now
            let rows = (done..<(done + n)).map(generator.asset)
            let g1 = clock.now
            try lib.addAssets(rows)
            let g2 = clock.now
            generateTime += g1 - g0
            insertTime += g2 - g1
            done += n
            windowCount += n
            if done % every == 0 || done == assets {
                let now = clock.now
                let elapsed = Output.seconds(now - start)
                Output.emit([
                    ("phase", "insert"), ("inserted", done), ("seconds", elapsed),
                    ("ratePerSecond", Output.round(Double(done) / elapsed, 0)),
                    ("insertOnlyRatePerSecond", Output.round(Double(done) / Output.seconds(insertTime), 0)),
                    ("lastWindow", windowCount),
                    ("lastWindowRatePerSecond", Output.round(Double(windowCount) / Output.seconds(now - windowStart), 0)),
                    ("rssMiB", Memory.mib(Memory.status("VmRSS"))), ("peakRssMiB", Memory.mib(Memory.status("VmHWM"))),
                ])
                windowStart = now
                windowCount = 0
            }
        }
        let total = Output.seconds(clock.now - start)
        Output.emit([
            ("phase", "insert-done"), ("assets", assets), ("seconds", Output.round(total, 2)),
            ("ratePerSecond", Output.round(Double(assets) / total, 0)),
            ("generateSeconds", Output.round(Output.seconds(generateTime), 2)),
            ("addAssetsSeconds", Output.round(Output.seconds(insertTime), 2)),
            ("insertOnlyRatePerSecond", Output.round(Double(assets) / Output.seconds(insertTime), 0)),
            ("catalogMiB", Memory.mib(Files.size(lib.path + "/" + Library.catalogFileName))),
            ("walMiB", Memory.mib(Files.size(lib.path + "/" + Library.catalogFileName + "-wal"))),
            ("peakRssMiB", Memory.mib(Memory.status("VmHWM"))),
        ])
        try QueryMeasurements(library: lib, generator: generator, count: assets, options: query).run()
    }

    /// Refuses to insert into an existing library (its hashes would collide), or deletes it with --replace.
    private func prepareFolder() throws {
        let fm = FileManager.default
        let catalog = library + "/" + Library.catalogFileName
        guard fm.fileExists(atPath: catalog) else { return }
        guard replace else {
            throw ValidationError("\(library) already holds a library; give --replace to delete it first, or use `mediabench query`")
        }
        try fm.removeItem(atPath: library)
    }
}

/// `mediabench query`: the query measurements over an existing library (made by `catalog`).
struct QueryBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Measure timeline, statistics, lookups and streaming over an existing library made by `catalog`."
    )

    @Option(help: ArgumentHelp("The library folder.", valueName: "DIR"))
    var library: String

    @Option(help: "The seed the library was made with (for the ids of the point lookups).")
    var seed: UInt64 = 1

    @OptionGroup var query: QueryOptions

    func run() throws {
        guard FileManager.default.fileExists(atPath: library + "/" + Library.catalogFileName) else {
            throw ValidationError("\(library) holds no library")
        }
        let lib = try Library(at: library)
        let count = try lib.statistics().assets
        let generator = SyntheticAssets(seed: seed, owner: lib.defaultOwner)
        try QueryMeasurements(library: lib, generator: generator, count: count, options: query).run()
    }
}
