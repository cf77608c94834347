import ArgumentParser
import Foundation
import MediaCore

/// `mediabench places`: MediaCore's offline reverse geocoding against reverse_geocoder on the
/// same positions (`Benchmarks/scripts/bench-places.sh` runs both): how long loading the data
/// takes, how long a lookup takes, and how often the two name the same place.
///
/// The positions and reverse_geocoder's answers come from `places-rg.py` (`points.csv`,
/// `answers.csv`): its own answer (nearest in degrees of latitude and longitude) and the nearest
/// place of its data on the sphere.
struct PlacesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "places",
        abstract: "ReverseGeocoder: load time, lookup time, and agreement with reverse_geocoder's answers on the same positions."
    )

    @Option(help: ArgumentHelp("The folder places-rg.py wrote (points.csv, answers.csv).", valueName: "DIR"))
    var data: String

    @Option(help: "Timed loads of the places file.")
    var loads = 10

    @Option(help: "Timed passes over all the positions.")
    var runs = 5

    @Option(help: "Print this many of the positions where MediaKit and reverse_geocoder's data on the sphere name different cities (stderr).")
    var show = 0

    func validate() throws {
        guard loads > 0, runs > 0 else { throw ValidationError("--loads and --runs are 1 or more") }
    }

    func run() throws {
        let points = try Self.rows(data + "/points.csv").map { row -> (Double, Double) in
            guard row.count == 2, let lat = Double(row[0]), let lon = Double(row[1]) else { throw ValidationError("bad points.csv row \(row)") }
            return (lat, lon)
        }
        let answers = try Self.rows(data + "/answers.csv")
        guard answers.count == points.count, answers.allSatisfy({ $0.count == 6 }) else {
            throw ValidationError("answers.csv does not match points.csv")
        }

        // Loading: the bundled file read and its k-d tree built (ReverseGeocoder() each time; not the shared one).
        var load = Sample()
        var geocoder: ReverseGeocoder?
        for _ in 0..<loads {
            let start = ContinuousClock.now
            geocoder = try ReverseGeocoder()
            load.add(Output.seconds(ContinuousClock.now - start) * 1000)
        }
        guard let geocoder else { return }

        // Lookups as an import makes them (25 km), all positions per pass; one pass also timed call by call.
        var passes = Sample(), perCall = Sample()
        var found = 0
        for pass in 0..<runs {
            found = 0
            let start = ContinuousClock.now
            for (lat, lon) in points where geocoder.place(latitude: lat, longitude: lon) != nil { found += 1 }
            passes.add(Output.seconds(ContinuousClock.now - start) * 1000)
            if pass == 0 {
                for (lat, lon) in points {
                    let t = ContinuousClock.now
                    _ = geocoder.place(latitude: lat, longitude: lon)
                    perCall.add(Output.seconds(ContinuousClock.now - t) * 1e6)
                }
            }
        }

        // Agreement: the nearest place whatever the distance, and what an import stores (none beyond 25 km).
        var agree = (rgCity: 0, rgCountry: 0, sphereCity: 0, sphereTies: 0, sphereCountry: 0, stored: 0, storedSphere: 0, shown: 0)
        for ((lat, lon), answer) in zip(points, answers) {
            let nearest = geocoder.place(latitude: lat, longitude: lon, within: 20_100_000)
            let code = nearest?.countryCode
            if let nearest, Self.sameName(nearest.city, answer[0]) { agree.rgCity += 1 }
            if code == answer[1] { agree.rgCountry += 1 }
            if let nearest, Self.sameName(nearest.city, answer[3]) {
                agree.sphereCity += 1
            } else if let nearest, abs(nearest.distance / 1000 - (Double(answer[5]) ?? .infinity)) < 0.002 {
                agree.sphereTies += 1  // another place at the same distance (GeoNames has places at one position)
            } else if agree.shown < show, let nearest {
                agree.shown += 1
                Output.note("(\(lat), \(lon)): MediaKit \(nearest.city) \(nearest.countryCode) \(Output.round(nearest.distance / 1000, 3)) km; "
                            + "reverse_geocoder's data on the sphere \(answer[3]) \(answer[4]) \(answer[5]) km")
            }
            if code == answer[4] { agree.sphereCountry += 1 }
            let stored = geocoder.place(latitude: lat, longitude: lon)?.city
            func same(_ name: String, _ km: String) -> Bool {
                guard (Double(km) ?? .infinity) <= 25 else { return stored == nil }
                return stored.map { Self.sameName($0, name) } ?? false
            }
            if same(answer[0], answer[2]) { agree.stored += 1 }
            if same(answer[3], answer[5]) { agree.storedSphere += 1 }
        }
        let n = Double(points.count)
        func share(_ k: Int) -> Double { Output.round(Double(k) / n * 100, 2) }
        Output.emit([
            ("tool", "MediaCore ReverseGeocoder"), ("points", points.count), ("places", geocoder.count),
            ("load_ms_median", Output.round(load.percentile(0.5), 2)), ("load_ms_max", Output.round(load.max, 2)),
            ("pass_ms_median", Output.round(passes.percentile(0.5), 1)),
            ("us_per_point", Output.round(passes.percentile(0.5) * 1000 / n, 3)),
            ("call_us_p50", Output.round(perCall.percentile(0.5), 3)), ("call_us_p99", Output.round(perCall.percentile(0.99), 3)),
            ("within_25km", found),
            ("city_vs_rg_search_pct", share(agree.rgCity)), ("country_vs_rg_search_pct", share(agree.rgCountry)),
            ("city_vs_rg_data_sphere_pct", share(agree.sphereCity)), ("other_place_same_distance_pct", share(agree.sphereTies)),
            ("country_vs_rg_data_sphere_pct", share(agree.sphereCountry)),
            ("stored_vs_rg_search_pct", share(agree.stored)), ("stored_vs_rg_data_sphere_pct", share(agree.storedSphere)),
        ])
    }

    /// The rows of a CSV file without quoted commas (places-rg.py quotes only names that have one).
    static func rows(_ path: String) throws -> [[String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            var fields: [String] = [], current = "", quoted = false
            for c in line {
                if c == "\"" { quoted.toggle() } else if c == ",", !quoted { fields.append(current); current = "" } else { current.append(c) }
            }
            fields.append(current)
            return fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
    }

    /// Whether MediaKit's name (with its accents, from GeoNames' UTF-8 names) and
    /// reverse_geocoder's (GeoNames' ASCII names) are the same: equal without case, accents or
    /// punctuation, or once ä, ö, ü are written ae, oe, ue (GeoNames' ASCII names of German,
    /// Swiss, Austrian, Finnish and Swedish places write them so: "Falköping" / "Falkoeping").
    static func sameName(_ ours: String, _ theirs: String) -> Bool {
        let folded = fold(theirs)
        if fold(ours) == folded { return true }
        var spelled = ""
        for c in ours {
            switch c {
            case "ä": spelled += "ae"
            case "ö": spelled += "oe"
            case "ü": spelled += "ue"
            case "Ä": spelled += "Ae"
            case "Ö": spelled += "Oe"
            case "Ü": spelled += "Ue"
            default: spelled.append(c)
            }
        }
        return fold(spelled) == folded
    }

    /// A name without case, accents or punctuation, as scripts/places-agreement.py compares them.
    static func fold(_ name: String) -> String {
        String(name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}
