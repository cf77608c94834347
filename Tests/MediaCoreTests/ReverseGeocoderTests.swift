import Foundation
import Testing
import TestSupport
@testable import MediaCore

@Suite struct ReverseGeocoderTests {
    static func geocoder() throws -> ReverseGeocoder { try ReverseGeocoder.shared() }

    // MARK: Known places

    @Test func namesWellKnownCities() throws {
        let g = try Self.geocoder()
        let lisbon = try #require(g.place(latitude: 38.7223, longitude: -9.1393))
        #expect(lisbon.city == "Lisbon")
        #expect(lisbon.region == "Lisbon")
        #expect(lisbon.countryCode == "PT")
        #expect(lisbon.country == "Portugal")
        #expect(lisbon.timeZone == "Europe/Lisbon")
        #expect(lisbon.distance > 500 && lisbon.distance < 1_200)

        let paris = try #require(g.place(latitude: 48.8566, longitude: 2.3522))
        #expect(paris.city == "Paris")
        #expect(paris.region == "Île-de-France")
        #expect(paris.countryCode == "FR" && paris.country == "France" && paris.timeZone == "Europe/Paris")

        let tokyo = try #require(g.place(latitude: 35.6762, longitude: 139.6503))
        #expect(tokyo.city == "Tokyo" && tokyo.countryCode == "JP" && tokyo.timeZone == "Asia/Tokyo")

        let newYork = try #require(g.place(latitude: 40.7128, longitude: -74.0060))
        #expect(newYork.city == "New York City" && newYork.region == "New York")
        #expect(newYork.countryCode == "US" && newYork.country == "United States" && newYork.timeZone == "America/New_York")

        let sydney = try #require(g.place(latitude: -33.8688, longitude: 151.2093))
        #expect(sydney.city == "Sydney" && sydney.region == "New South Wales")
        #expect(sydney.countryCode == "AU" && sydney.timeZone == "Australia/Sydney")
    }

    @Test func keepsAccentsInNames() throws {
        let g = try Self.geocoder()
        #expect(g.place(latitude: -23.5505, longitude: -46.6333)?.city == "São Paulo")
        #expect(g.place(latitude: 47.3667, longitude: 8.5500)?.city == "Zürich")
        #expect(g.place(latitude: 50.0614, longitude: 19.9366)?.city == "Kraków")
    }

    @Test func midOceanHasNoPlaceAndNoTimeZone() throws {
        let g = try Self.geocoder()
        #expect(g.place(latitude: 30, longitude: -40) == nil)
        #expect(g.timeZone(latitude: 30, longitude: -40) == nil)
        #expect(g.utcOffset(latitude: 30, longitude: -40, at: try #require(LocalDateTime(year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 0))) == nil)
        // 1,400 km from the Azores: a large enough radius finds them.
        #expect(g.place(latitude: 30, longitude: -40, within: 2_000_000)?.timeZone == "Atlantic/Azores")
        // The (0, 0) placeholder some cameras write is 579 km from Takoradi, Ghana.
        #expect(g.place(latitude: 0, longitude: 0) == nil)
        #expect(g.timeZone(latitude: 0, longitude: 0) == nil)
    }

    @Test func sidesOfTheRhineBorder() throws {
        let g = try Self.geocoder()
        // Kehl (Germany) and Strasbourg (France) face each other across the Rhine, 5 km apart.
        let kehl = try #require(g.place(latitude: 48.5740, longitude: 7.8030))
        #expect(kehl.city == "Kehl" && kehl.countryCode == "DE" && kehl.timeZone == "Europe/Berlin")
        let strasbourg = try #require(g.place(latitude: 48.5800, longitude: 7.7600))
        #expect(strasbourg.city == "Strasbourg" && strasbourg.countryCode == "FR" && strasbourg.timeZone == "Europe/Paris")
    }

    @Test func radiusAndInvalidInput() throws {
        let g = try Self.geocoder()
        // Lisbon's place is 0.81 km from this point.
        #expect(g.place(latitude: 38.7223, longitude: -9.1393, within: 500) == nil)
        #expect(g.place(latitude: 38.7223, longitude: -9.1393, within: 1_000)?.city == "Lisbon")
        #expect(g.place(latitude: .nan, longitude: 0) == nil)
        #expect(g.place(latitude: 0, longitude: .infinity) == nil)
        #expect(g.place(latitude: 91, longitude: 0) == nil)
        #expect(g.place(latitude: 38.7223, longitude: -9.1393, within: -1) == nil)
        // Longitudes wrap around.
        #expect(g.place(latitude: 38.7223, longitude: -9.1393 + 360)?.city == "Lisbon")
        #expect(g.count > 100_000)
    }

    @Test func placeIsCodable() throws {
        let place = try #require(try Self.geocoder().place(latitude: 35.6762, longitude: 139.6503))
        let decoded = try JSONDecoder().decode(Place.self, from: JSONEncoder().encode(place))
        #expect(decoded == place)
    }

    @Test func sharedInstanceIsLoadedOnce() async throws {
        let first = try ReverseGeocoder.shared()
        let others = try await withThrowingTaskGroup(of: ReverseGeocoder.self) { group in
            for _ in 0..<8 { group.addTask { try ReverseGeocoder.shared() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(others.allSatisfy { $0 === first })
    }

    @Test func haversineDistance() {
        // Paris to London, about 344 km.
        let d = ReverseGeocoder.distance(from: (48.8566, 2.3522), to: (51.5072, -0.1276))
        #expect(abs(d - 343_900) < 1_000)
        #expect(ReverseGeocoder.distance(from: (10, 20), to: (10, 20)) == 0)
        // Half the circumference between antipodes.
        #expect(abs(ReverseGeocoder.distance(from: (0, 0), to: (0, 180)) - .pi * ReverseGeocoder.earthRadius) < 1e-6)
    }

    // MARK: Time zones

    @Test func timeZoneAndDaylightSavingOffsets() throws {
        let g = try Self.geocoder()
        func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int = 0) throws -> LocalDateTime {
            try #require(LocalDateTime(year: y, month: m, day: d, hour: h, minute: min, second: 0))
        }
        #expect(g.timeZone(latitude: 38.7223, longitude: -9.1393) == "Europe/Lisbon")
        // A town 40 km from the nearest place still gets its zone (beyond the 25 km of `place`).
        #expect(g.timeZone(latitude: 42.0, longitude: -111.0) == "America/Denver")
        #expect(g.utcOffset(latitude: 38.7223, longitude: -9.1393, at: try at(2024, 7, 14, 12)) == 3_600)
        #expect(g.utcOffset(latitude: 38.7223, longitude: -9.1393, at: try at(2024, 1, 10, 12)) == 0)
        #expect(g.utcOffset(latitude: 40.7128, longitude: -74.0060, at: try at(2024, 7, 4, 12)) == -14_400)
        #expect(g.utcOffset(latitude: 40.7128, longitude: -74.0060, at: try at(2024, 1, 4, 12)) == -18_000)
        #expect(g.utcOffset(latitude: -33.8688, longitude: 151.2093, at: try at(2024, 1, 15, 12)) == 39_600)
        #expect(g.utcOffset(latitude: -33.8688, longitude: 151.2093, at: try at(2024, 7, 15, 12)) == 36_000)
        #expect(g.utcOffset(latitude: 35.6762, longitude: 139.6503, at: try at(2024, 7, 15, 12)) == 32_400)
        // Rules change over time: Moscow kept summer time (+04:00) all year in 2012.
        #expect(ReverseGeocoder.utcOffset(at: try at(2012, 1, 15, 12), timeZone: "Europe/Moscow") == 14_400)
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 1, 15, 12), timeZone: "Europe/Moscow") == 10_800)
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 1, 15, 12), timeZone: "Asia/Kolkata") == 19_800)
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 1, 15, 12), timeZone: "Not/AZone") == nil)
    }

    @Test func daylightSavingChanges() throws {
        func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int) throws -> LocalDateTime {
            try #require(LocalDateTime(year: y, month: m, day: d, hour: h, minute: min, second: 0))
        }
        // Lisbon, 2024-03-31: 01:00 jumps to 02:00, so 01:30 never happens; it is read with the
        // offset before the change (the same instant as 02:30 summer time).
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 3, 31, 1, 30), timeZone: "Europe/Lisbon") == 0)
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 3, 31, 0, 59), timeZone: "Europe/Lisbon") == 0)
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 3, 31, 2, 0), timeZone: "Europe/Lisbon") == 3_600)
        // 2024-10-27: 02:00 goes back to 01:00, so 01:30 happens twice; the earlier (summer) offset wins.
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 10, 27, 1, 30), timeZone: "Europe/Lisbon") == 3_600)
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 10, 27, 2, 0), timeZone: "Europe/Lisbon") == 0)
        #expect(ReverseGeocoder.utcOffset(at: try at(2024, 10, 27, 0, 59), timeZone: "Europe/Lisbon") == 3_600)
    }

    @Test func foundationKnowsEveryTimeZoneOfTheData() throws {
        let unknown = try Self.geocoder().file.zoneIds.filter { TimeZone(identifier: $0) == nil }
        #expect(unknown.isEmpty, "Foundation does not know: \(unknown)")
    }

    // MARK: The k-d tree against a scan

    /// The nearest place by scanning every place, with the metric and tie-break the tree uses.
    static func scan(_ g: ReverseGeocoder, _ vectors: [UnitVectorTree.Node], latitude: Double, longitude: Double,
                     within radius: Double) -> Int? {
        let q = UnitVectorTree.unitVector(latitude: latitude, longitude: longitude)
        var best = ReverseGeocoder.squaredChord(forDistance: radius), bestIndex: Int?
        vectors.withUnsafeBufferPointer { v in
            for i in 0..<v.count {
                let d = UnitVectorTree.squaredChord(q, v[i])
                if d < best || (d == best && bestIndex == nil) { best = d; bestIndex = i }
            }
        }
        return bestIndex
    }

    static func vectors(_ g: ReverseGeocoder) -> [UnitVectorTree.Node] {
        g.file.latitudes.indices.map { i in
            let v = UnitVectorTree.unitVector(latitude: Double(g.file.latitudes[i]) / 100_000,
                                              longitude: Double(g.file.longitudes[i]) / 100_000)
            return UnitVectorTree.Node(x: v.x, y: v.y, z: v.z, id: Int32(i), axis: 0)
        }
    }

    @Test func treeAgreesWithAScan() throws {
        let g = try Self.geocoder()
        let vectors = Self.vectors(g)
        var random = PlacesTestRandom(seed: 0x5EED_0F_91ACE5)
        var queries: [(Double, Double, Double)] = []
        for i in 0..<1_000 {
            if i % 2 == 0 {   // near a random place: lots of candidates, exact ties at shared positions
                let p = Int(random.next() % UInt64(g.count))
                queries.append((min(90, max(-90, Double(g.file.latitudes[p]) / 100_000 + random.uniform(-0.3, 0.3))),
                                Double(g.file.longitudes[p]) / 100_000 + random.uniform(-0.3, 0.3),
                                i % 4 == 0 ? ReverseGeocoder.defaultRadius : ReverseGeocoder.timeZoneRadius))
            } else {          // uniform on the sphere: mostly sea, poles included
                let lat = asin(random.uniform(-1, 1)) * 180 / .pi
                queries.append((lat, random.uniform(-180, 180), i % 3 == 0 ? 5_000_000 : ReverseGeocoder.timeZoneRadius))
            }
        }
        // Places that share their position with another: exact ties, which go to the first listed.
        var seen: [Int64: Int] = [:], shared = 0
        for i in 0..<g.count where shared < 50 {
            let key = Int64(g.file.latitudes[i]) << 32 | Int64(UInt32(bitPattern: g.file.longitudes[i]))
            if let first = seen[key] {
                shared += 1
                let lat = Double(g.file.latitudes[i]) / 100_000, lon = Double(g.file.longitudes[i]) / 100_000
                #expect(g.nearestIndex(latitude: lat, longitude: lon, within: 1) == first)
                queries.append((lat, lon, 1))
            } else {
                seen[key] = i
            }
        }
        #expect(shared > 10)
        queries += [(90, 0, 25_000_000), (-90, 0, 25_000_000), (0, 180, 300_000), (0, -180, 300_000), (65.5, -168.9, 300_000)]
        var found = 0
        for (lat, lon, radius) in queries {
            let fromTree = g.nearestIndex(latitude: lat, longitude: lon, within: radius)
            let fromScan = Self.scan(g, vectors, latitude: lat, longitude: lon, within: radius)
            #expect(fromTree == fromScan, "\(lat), \(lon) within \(radius) m")
            if let fromTree {
                found += 1
                #expect(g.place(at: fromTree, latitude: lat, longitude: lon).distance <= radius * (1 + 1e-9))
            }
        }
        #expect(found > 400)
    }

    // MARK: Damaged files

    static func bundledBytes() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: try geocoder().path)))
    }

    static func load(_ bytes: [UInt8]) throws -> MediaCoreError? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("places-\(UUID().uuidString).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ReverseGeocoder(path: path)
            return nil
        } catch {
            #expect(error.path == path)
            return error
        }
    }

    @Test func loadsACopyFromAPath() throws {
        let bytes = try Self.bundledBytes()
        #expect(try Self.load(bytes) == nil)
    }

    @Test func damagedFilesGiveClearErrors() throws {
        let good = try Self.bundledBytes()
        func patched(_ offset: Int, _ value: UInt32) -> [UInt8] {
            var b = good
            for i in 0..<4 { b[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
            return b
        }
        func check(_ bytes: [UInt8], _ code: MediaCoreError.Code, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let error = try #require(try Self.load(bytes), sourceLocation: sourceLocation)
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(fragment), "\(error)", sourceLocation: sourceLocation)
        }

        try check([], .truncated, "shorter than")
        try check(Array("not a places file at all".utf8), .unsupportedFormat, "bad magic")
        var wrongVersion = good
        wrongVersion[8] = 9
        try check(wrongVersion, .unsupportedFormat, "version 9")
        try check(Array(good.prefix(good.count / 2)), .truncated, "the header says")
        try check(good + [0], .corrupt, "the header says")
        // A file whose header matches its (short) length, but whose sections run out.
        var header = Array(good.prefix(16))
        header[12] = 16; header[13] = 0; header[14] = 0; header[15] = 0
        try check(header, .truncated, "count of strings")
        // Counts beyond the file.
        try check(patched(16, 0xFFFF_FFFF), .corrupt, "strings need")
        let layout = try PlacesFileLayout(good)
        try check(patched(layout.countries, 0x7FFF_FFFF), .corrupt, "countries need")
        try check(patched(layout.places, 0x7FFF_FFFF), .corrupt, "places need")
        // Indices beyond their tables.
        try check(patched(layout.countries + 4 + 2, 0xFFFF), .corrupt, "names string")
        try check(patched(layout.regions + 4, 0xFFFF), .corrupt, "names country")
        var badRegion = good
        badRegion[layout.places + 4 + 8] = 0xFF; badRegion[layout.places + 4 + 9] = 0xFF
        try check(badRegion, .corrupt, "names region")
        try check(patched(layout.places + 4, UInt32(bitPattern: 9_000_001)), .corrupt, "coordinates out of range")
        // A name that runs past the end: the last name's length byte made larger.
        var longName = good
        longName[layout.lastName] = 0xFF
        try check(longName, .truncated, "runs past the end")
        var emptyName = good
        emptyName[layout.lastName] = 0
        try check(emptyName, .corrupt, "empty name")
        // Invalid UTF-8 in the string table.
        var badUTF8 = good
        badUTF8[16 + 4 + 2] = 0xFF
        try check(badUTF8, .corrupt, "UTF-8")

        // Not a file, no file.
        let missing = "/nonexistent/places.bin"
        let notFound = #expect(throws: MediaCoreError.self) { try ReverseGeocoder(path: missing) }
        #expect(notFound?.code == .notFound && notFound?.path == missing)
        let directory = #expect(throws: MediaCoreError.self) { try ReverseGeocoder(path: NSTemporaryDirectory()) }
        #expect(directory?.code == .notAFile)
    }

    @Test func anyTruncationOrByteFlipThrowsOrLoadsButNeverTraps() throws {
        let good = try Self.bundledBytes()
        var random = PlacesTestRandom(seed: 42)
        let layout = try PlacesFileLayout(good)
        var cuts = [0, 1, 8, 15, 16, 17, 20, layout.countries, layout.countries + 3, layout.regions,
                    layout.zones, layout.places, layout.places + 5, layout.lastName, good.count - 1]
        for _ in 0..<20 { cuts.append(Int(random.next() % UInt64(good.count))) }
        for cut in cuts {
            var bytes = Array(good.prefix(cut))
            if bytes.count >= 16 {   // keep the header consistent, so the sections are what fails
                for i in 0..<4 { bytes[12 + i] = UInt8(truncatingIfNeeded: UInt32(cut) >> (8 * UInt32(i))) }
            }
            #expect(throws: MediaCoreError.self, "cut at \(cut)") { _ = try PlacesFile(bytes: bytes) }
        }
        for _ in 0..<40 {
            var bytes = good
            let at = 12 + Int(random.next() % UInt64(layout.places + 4 + 12 * 64 - 12))   // header to the first records
            bytes[at] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            _ = try? PlacesFile(bytes: bytes)
        }
    }

    // MARK: The corpus

    @Test(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
    func corpusPositionsGetAPlaceOrAreFarFromAny() throws {
        let g = try Self.geocoder()
        let vectors = Self.vectors(g)
        var located = 0, named = 0
        for entry in try Corpus.truth() {
            guard let lat = entry["GPSLatitude"] as? Double, let lon = entry["GPSLongitude"] as? Double else { continue }
            let path = entry["path"] as? String ?? "?"
            located += 1
            let place = g.place(latitude: lat, longitude: lon)
            let scanned = Self.scan(g, vectors, latitude: lat, longitude: lon, within: ReverseGeocoder.defaultRadius)
            #expect(g.nearestIndex(latitude: lat, longitude: lon, within: ReverseGeocoder.defaultRadius) == scanned, "\(path)")
            if let place {
                named += 1
                #expect(place.distance <= ReverseGeocoder.defaultRadius, "\(path)")
                #expect(place.countryCode.count == 2 && place.countryCode.allSatisfy { $0.isUppercase && $0.isASCII }, "\(path)")
                #expect(!place.city.isEmpty && !place.country.isEmpty, "\(path)")
                #expect(g.timeZone(latitude: lat, longitude: lon) == place.timeZone, "\(path)")
                #expect(TimeZone(identifier: place.timeZone) != nil, "\(path)")
            } else {
                // Nothing within 25 km: the nearest place at any distance is farther.
                let any = try #require(g.place(latitude: lat, longitude: lon, within: 25_000_000), "\(path)")
                #expect(any.distance > ReverseGeocoder.defaultRadius, "\(path)")
            }
        }
        #expect(located >= 30)
        #expect(named >= located * 9 / 10)
    }
}

/// Offsets of the sections of a places file, found by walking it (for the damage tests).
private struct PlacesFileLayout {
    var countries = 0, regions = 0, zones = 0, places = 0, lastName = 0

    init(_ b: [UInt8]) throws {
        func u16(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        var at = 16
        let strings = u32(at)
        at += 4
        for _ in 0..<strings { at += 2 + u16(at) }
        countries = at
        at += 4 + 6 * u32(at)
        regions = at
        at += 4 + 8 * u32(at)
        zones = at
        at += 4 + 4 * u32(at)
        places = at
        let count = u32(at)
        at += 4 + 12 * count
        for _ in 0..<count - 1 { at += 1 + Int(b[at]) }
        lastName = at
        #expect(at + 1 + Int(b[at]) == b.count)
    }
}

/// A small deterministic generator (Steele, Lea & Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014), so failures reproduce.
private struct PlacesTestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) / Double(1 << 53)
    }
}
