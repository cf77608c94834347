import ArgumentParser
import Foundation
import MediaCore
import MediaStore

/// The timed queries of `mediabench search`: each query type run `runs` times with parameters
/// drawn from the library's own values (a make, a town, a month, an album...), the first page
/// timed; for the broad types, also page `deepPage` reached through the cursor.
struct SearchMeasurements {
    let library: Library
    let generator: SearchSyntheticAssets
    let secondOwner: UserID
    let seed: UInt64
    let runs: Int
    let scanRuns: Int
    let deepRuns: Int
    let deepPage: Int
    let limit: Int
    let only: Set<String>
    /// Where to write the ids each run found (JSON lines), to compare two builds' results.
    let dump: FileHandle?

    private let clock = ContinuousClock()

    /// What one run asks.
    enum Plan {
        case search(AssetQuery, owner: UserID?)
        case timeline
        case month(String)
    }

    struct Spec {
        var name: String
        /// Reads (nearly) the whole table whatever the plan: fewer runs.
        var scans = false
        var first: (inout SplitMix64) -> Plan
        var deep: ((inout SplitMix64) -> AssetQuery)?
    }

    struct Result {
        var name: String
        var first = Sample()
        var results: [Int] = []
        var fullPages = 0
        var deep = Sample()
        var deepTried = 0
        var isSearch = true

        var markdown: String {
            func ms(_ v: Double) -> String { v.isNaN ? "—" : v < 10 ? String(format: "%.2f ms", v) : String(format: "%.1f ms", v) }
            let sorted = results.sorted()
            let median = sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
            let deepCells = deepTried == 0 ? "— | — | —"
                : "\(ms(deep.percentile(0.5))) | \(ms(deep.percentile(0.99))) | \(deep.values.count)/\(deepTried)"
            return "| \(name) | \(ms(first.percentile(0.5))) | \(ms(first.percentile(0.99))) | \(ms(first.max)) | "
                + (isSearch ? "\(fullPages)/\(first.values.count)" : "—") + " | \(median) | \(deepCells) |"
        }
    }

    mutating func run() throws -> [Result] {
        let specs = try self.specs()
        let unknown = only.subtracting(specs.map(\.name))
        if !unknown.isEmpty { Output.note("unknown query types: \(unknown.sorted()); known: \(specs.map(\.name))") }
        var out: [Result] = []
        for (n, spec) in specs.enumerated() where only.isEmpty || only.contains(spec.name) {
            var r = SplitMix64(seed: seed &* 31 &+ UInt64(n) &* 0x9E37)
            var result = Result(name: spec.name)
            // Untimed: the first run's statement preparation and the pages it touches.
            _ = try execute(spec.first(&r))
            for run in 0..<(spec.scans ? scanRuns : runs) {
                let plan = spec.first(&r)
                if case .search = plan {} else { result.isSearch = false }
                let start = clock.now
                let ids = try execute(plan)
                result.first.add(Output.seconds(clock.now - start) * 1000)
                result.results.append(ids.count)
                if ids.count >= limit { result.fullPages += 1 }
                if let dump {
                    write(dump, spec.name, run, "first", ids)
                    // The page after the first 150 by offset, and the second page through the cursor.
                    if case .search(let query, let owner) = plan {
                        write(dump, spec.name, run, "offset150", try library.search(query, owner: owner, skipping: 150, limit: limit).assets.map(\.id))
                        let page = try library.search(query, owner: owner, limit: limit)
                        if let next = page.next {
                            write(dump, spec.name, run, "page2", try library.search(query, owner: owner, after: next, limit: limit).assets.map(\.id))
                        }
                    }
                }
            }
            if let deep = spec.deep {
                for run in 0..<deepRuns {
                    let query = deep(&r)
                    result.deepTried += 1
                    if let (ms, ids) = try deepPageTime(query) {
                        result.deep.add(ms)
                        if let dump { write(dump, spec.name, run, "deep", ids) }
                    }
                }
            }
            let sorted = result.results.sorted()
            Output.emit([
                ("phase", "search"), ("query", spec.name), ("runs", result.first.values.count),
                ("p50Ms", Output.round(result.first.percentile(0.5), 3)), ("p99Ms", Output.round(result.first.percentile(0.99), 3)),
                ("maxMs", Output.round(result.first.max, 3)), ("meanMs", Output.round(result.first.mean, 3)),
                ("fullPages", result.fullPages), ("medianResults", sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]),
                ("deepPage", deepPage), ("deepRuns", result.deep.values.count), ("deepTried", result.deepTried),
                ("deepP50Ms", Output.round(result.deep.percentile(0.5), 3)), ("deepP99Ms", Output.round(result.deep.percentile(0.99), 3)),
            ])
            Output.note(result.markdown)
            out.append(result)
        }
        return out
    }

    /// Runs a plan; returns what it found (asset ids, or months with their counts).
    private func execute(_ plan: Plan) throws -> [String] {
        switch plan {
        case .search(let query, let owner): return try library.search(query, owner: owner, limit: limit).assets.map(\.id.description)
        case .timeline: return try library.timeline().map { "\($0.month):\($0.count)" }
        case .month(let month): return try library.assets(inMonth: month).map(\.id.description)
        }
    }

    private func write(_ dump: FileHandle, _ name: String, _ run: Int, _ what: String, _ ids: [some CustomStringConvertible]) {
        let line = "{\"query\":\"\(name)\",\"run\":\(run),\"page\":\"\(what)\",\"ids\":[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]}\n"
        dump.write(Data(line.utf8))
    }

    /// The time of page `deepPage` of `query`, reached through the cursor; `nil` when the
    /// results end before it.
    private func deepPageTime(_ query: AssetQuery) throws -> (Double, [AssetID])? {
        var page = try library.search(query, limit: limit)
        for _ in 2..<deepPage {
            guard let next = page.next else { return nil }
            page = try library.search(query, after: next, limit: limit)
        }
        guard let next = page.next else { return nil }
        let start = clock.now
        let last = try library.search(query, after: next, limit: limit)
        let ms = Output.seconds(clock.now - start) * 1000
        return last.assets.isEmpty ? nil : (ms, last.assets.map(\.id))
    }

    /// Every page of `query` through the cursor.
    private func all(_ query: AssetQuery) throws -> [Asset] {
        var page = try library.search(query, limit: 1000)
        var out = page.assets
        while let next = page.next {
            page = try library.search(query, after: next, limit: 1000)
            out += page.assets
        }
        return out
    }

    /// Checks `filename` searches against a plain reading of every asset (the first owner's,
    /// in the timeline): the same assets, in capture order, for parts with and without
    /// separators (the search takes some through the FTS index of file names).
    func verifyFileNames() throws -> Int {
        let parts = ["IMG_4711", "IMG_47", "_4711", "4711", "DSC_0042.NEF", "dsc_00", ".jpg", ".HEIC", "G_1", "0612_1", "_2019",
                     "Screenshot_2019", "-10", "PXL_2021", "PXL_20210", "_", ".", "S_", "ZZZ_1234", "TS.mp4", "P10", "P1000_", "19_",
                     "DSCF2", "_0", "GOPR0", "DJI_00", "a_b", "IMG_000", "VID_2020", "jpg", "20190704_",
                     "0704", "2021061", "creenshot", "QZX1234", "MG1", "%_4", "4711%"]
        func folded(_ s: String) -> [UInt32] {
            s.unicodeScalars.map { $0.value >= 65 && $0.value <= 90 ? $0.value + 32 : $0.value }
        }
        func contains(_ hay: [UInt32], _ needle: [UInt32]) -> Bool {
            guard needle.count <= hay.count else { return false }
            return (0...(hay.count - needle.count)).contains { i in hay[i..<(i + needle.count)].elementsEqual(needle) }
        }
        var names: [(AssetID, [UInt32], String?)] = []
        try library.forEachAsset { asset in
            if asset.ownerID == generator.owners.first, asset.trashedAt == nil, asset.visibility == .timeline {
                names.append((asset.id, folded(asset.originalFilename), asset.metadata.capturedAt?.local.text))
            }
            return true
        }
        var failures = 0
        for part in parts {
            var q = AssetQuery()
            q.filename = part
            let found = try all(q)
            let needle = folded(part)
            let expected = Set(names.filter { contains($0.1, needle) }.map(\.0))
            let times = found.map { $0.metadata.capturedAt?.local.text }
            let ordered = zip(times, times.dropFirst()).allSatisfy { a, b in
                switch (a, b) {
                case (let x?, let y?): return x >= y
                case (_?, nil), (nil, nil): return true
                case (nil, _?): return false
                }
            }
            let ok = Set(found.map(\.id)) == expected && found.count == expected.count && ordered
            if !ok { failures += 1 }
            Output.emit([("phase", "verify-file-name"), ("part", part), ("found", found.count), ("expected", expected.count),
                         ("ordered", ordered), ("ok", ok)])
        }
        return failures
    }

    // MARK: The query types

    private func specs() throws -> [Spec] {
        let cameras = SearchSyntheticAssets.cameras
        let makes = Array(Set(cameras.compactMap(\.make))).sorted()
        let lenses = Array(Set(cameras.flatMap(\.lenses))).sorted()
        let towns = generator.anchors
        var countrySet: [String: String] = [:]
        for town in towns { countrySet[town.countryCode] = town.country }
        let countries = countrySet.sorted { $0.key < $1.key }
        let albums = try library.albums()
        let topTags = Array(Set(try library.tags().map { String($0.path.split(separator: "/")[0]) })).sorted()
        let months = try library.timeline().map(\.month)
        let words = SearchSyntheticAssets.words
        let total = try library.statistics().assets
        guard !towns.isEmpty, !albums.isEmpty, !topTags.isEmpty, !months.isEmpty else {
            throw ValidationError("the library lacks towns, albums, tags or a timeline")
        }
        let generator = self.generator

        /// A random asset of the library (parameters drawn from it are as common as in the library).
        func sample(_ r: inout SplitMix64, where ok: (Asset) -> Bool) -> Asset {
            while true {
                let asset = generator.asset(Int(r.next() % UInt64(total))).0
                if asset.ownerID == generator.owners.first, ok(asset) { return asset }
            }
        }
        /// Every fourth run oldest first.
        func ordered(_ q: AssetQuery, _ r: inout SplitMix64) -> AssetQuery {
            var q = q
            if r.next() % 4 == 0 { q.order = .oldestFirst }
            return q
        }
        func search(_ r: inout SplitMix64, _ build: (inout AssetQuery, inout SplitMix64) -> Void) -> Plan {
            var q = AssetQuery()
            build(&q, &r)
            return .search(ordered(q, &r), owner: nil)
        }
        func time(_ year: Int, _ month: Int = 1, _ day: Int = 1) -> LocalDateTime {
            LocalDateTime(year: year, month: month, day: day, hour: 0, minute: 0, second: 0)!
        }
        func digits(_ r: inout SplitMix64) -> String {
            let s = String(r.int(1...9999))
            return String(repeating: "0", count: 4 - s.count) + s
        }
        let first = LocalDateTime(year: 2006, month: 1, day: 1, hour: 0, minute: 0, second: 0)!.secondsSinceEpochAsUTC
        let span = LocalDateTime(year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0)!.secondsSinceEpochAsUTC - first
        func dateRange(_ q: inout AssetQuery, _ r: inout SplitMix64, days: ClosedRange<Double>) {
            let length = exp(log(days.lowerBound) + r.unit() * (log(days.upperBound) - log(days.lowerBound))) * 86_400
            let start = first + r.unit() * max(0, span - length)
            q.takenFrom = LocalDateTime(secondsSinceEpoch: start.rounded(.down), offsetSeconds: 0)
            q.takenBefore = LocalDateTime(secondsSinceEpoch: (start + length).rounded(.down), offsetSeconds: 0)
        }
        func near(_ town: Place, _ r: inout SplitMix64, km: Double) -> (Double, Double) {
            let d = r.unit() * km * 1000, b = r.unit() * 2 * .pi
            return (max(-89, min(89, town.latitude + d * cos(b) / 111_195)),
                    town.longitude + d * sin(b) / (111_195 * max(0.05, cos(town.latitude * .pi / 180))))
        }

        return [
            Spec(name: "timeline buckets", first: { _ in .timeline }),
            Spec(name: "a month (assets(inMonth:))", first: { r in .month(months[Int(r.next() % UInt64(months.count))]) }),
            Spec(name: "no filter (the timeline)", first: { r in search(&r) { _, _ in } },
                 deep: { r in ordered(AssetQuery(), &r) }),
            Spec(name: "date range", first: { r in search(&r) { q, r in dateRange(&q, &r, days: 1...730) } },
                 deep: { r in var q = AssetQuery(); dateRange(&q, &r, days: 365...1500); return ordered(q, &r) }),
            Spec(name: "make", first: { r in search(&r) { q, r in q.make = r.pick(makes) } },
                 deep: { r in var q = AssetQuery(); q.make = sample(&r) { $0.metadata.make != nil }.metadata.make; return ordered(q, &r) }),
            Spec(name: "make + model", first: { r in
                search(&r) { q, r in let c = r.pick(cameras); q.make = c.make; q.model = c.model }
            }),
            Spec(name: "lens", first: { r in search(&r) { q, r in q.lens = r.pick(lenses) } }),
            Spec(name: "city", first: { r in search(&r) { q, r in q.city = r.pick(towns).city } }),
            Spec(name: "country", first: { r in
                search(&r) { q, r in let c = r.pick(countries); q.country = r.chance(0.5) ? c.key : c.value }
            }, deep: { r in var q = AssetQuery(); q.country = sample(&r) { $0.place != nil }.place!.country; return ordered(q, &r) }),
            Spec(name: "box", first: { r in
                search(&r) { q, r in
                    let (lat, lon) = near(r.pick(towns), &r, km: 5)
                    let half = exp(log(0.05) + r.unit() * (log(2.0) - log(0.05)))
                    q.area = .box(south: max(-90, lat - half), west: max(-180, lon - half), north: min(90, lat + half), east: min(180, lon + half))
                }
            }),
            Spec(name: "radius 10 km", first: { r in
                search(&r) { q, r in let (lat, lon) = near(r.pick(towns), &r, km: 5); q.area = .radius(latitude: lat, longitude: lon, meters: 10_000) }
            }),
            Spec(name: "radius 200 km", first: { r in
                search(&r) { q, r in let (lat, lon) = near(r.pick(towns), &r, km: 20); q.area = .radius(latitude: lat, longitude: lon, meters: 200_000) }
            }, deep: { r in
                var q = AssetQuery()
                let town = sample(&r) { $0.place != nil }.place!
                q.area = .radius(latitude: town.latitude, longitude: town.longitude, meters: 200_000)
                return ordered(q, &r)
            }),
            Spec(name: "rating", first: { r in search(&r) { q, r in q.ratings = r.pick([5...5, 4...5, 3...5, -1...(-1), 1...2, 0...0]) } },
                 deep: { r in var q = AssetQuery(); q.ratings = r.pick([3...5, 4...5]); return ordered(q, &r) }),
            Spec(name: "favourite", first: { r in search(&r) { q, _ in q.isFavorite = true } },
                 deep: { r in var q = AssetQuery(); q.isFavorite = true; return ordered(q, &r) }),
            Spec(name: "album", first: { r in search(&r) { q, r in q.albums = [r.pick(albums).id] } }),
            Spec(name: "tag (a parent)", first: { r in search(&r) { q, r in q.tags = [r.pick(topTags)] } },
                 deep: { r in var q = AssetQuery(); q.tags = [r.pick(["travel", "family", "nature", "events"])]; return ordered(q, &r) }),
            Spec(name: "kind = video", first: { r in search(&r) { q, _ in q.kind = .video } },
                 deep: { r in var q = AssetQuery(); q.kind = .video; return ordered(q, &r) }),
            Spec(name: "file name part (IMG_12 or PXL_2021...)", first: { r in
                search(&r) { q, r in
                    q.filename = r.pick(["IMG_1", "IMG_12", "DSC_", "DSC0", "PXL_2021", "PXL_2019", "Screenshot", ".HEIC", "20190", "DSCF2"])
                }
            }, deep: { r in var q = AssetQuery(); q.filename = r.pick(["IMG_", "PXL_", ".HEIC", "DSC"]); return ordered(q, &r) }),
            Spec(name: "file name number (IMG_4711)", scans: true, first: { r in
                search(&r) { q, r in q.filename = r.pick(["IMG_", "DSC_", "DSCF", "DSC0"]) + digits(&r) }
            }),
            Spec(name: "text: 1 word", first: { r in
                search(&r) { q, r in
                    let x = r.unit()
                    q.text = x < 0.6 ? r.pick(words) : x < 0.8 ? r.pick(towns).city : r.pick(["canon", "iphone", "pixel", "nikon", "sony", "fuji", "samsung"])
                }
            }, deep: { r in var q = AssetQuery(); q.text = r.pick(["beach", "sunset", "family", "iphone", "canon"]); return ordered(q, &r) }),
            Spec(name: "text: 2 words", first: { r in
                search(&r) { q, r in q.text = r.chance(0.5) ? "\(r.pick(words)) \(r.pick(words))" : "\(r.pick(towns).city) \(SearchSyntheticAssets.word(&r))" }
            }),
            Spec(name: "make + year + country", first: { r in
                search(&r) { q, r in
                    let a = sample(&r) { $0.place != nil && $0.metadata.make != nil && $0.metadata.capturedAt != nil }
                    let year = a.metadata.capturedAt!.local.year
                    q.make = a.metadata.make
                    q.takenFrom = time(year)
                    q.takenBefore = time(year + 1)
                    q.country = a.place!.country
                }
            }),
            Spec(name: "other owner, make", first: { r in
                var q = AssetQuery()
                q.make = r.pick(makes)
                return .search(ordered(q, &r), owner: secondOwner)
            }),
            Spec(name: "no match: make", first: { r in search(&r) { q, r in q.make = r.pick(["Hasselblad", "Pentax", "Minolta", "Kodak"]) } }),
            Spec(name: "no match: text", first: { r in search(&r) { q, r in q.text = r.pick(["xylophone", "zeppelin", "quokka", "yurt"]) } }),
            Spec(name: "no match: file name ZZZ_nnnn", first: { r in search(&r) { q, r in q.filename = "ZZZ_" + digits(&r) } }),
            Spec(name: "no match: radius 10 km", first: { r in
                // The middle of an ocean.
                search(&r) { q, r in q.area = .radius(latitude: -40 + r.unit() * 10, longitude: -120 + r.unit() * 10, meters: 10_000) }
            }),
            Spec(name: "no match: file name QZXnnnn", scans: true, first: { r in search(&r) { q, r in q.filename = "QZX" + digits(&r) } }),
        ]
    }
}
