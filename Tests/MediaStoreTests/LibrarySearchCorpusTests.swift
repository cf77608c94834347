import Foundation
import Testing
@testable import MediaStore

/// Each search filter on the imported corpus returns exactly the files that exiftool's answers
/// (`truth.jsonl`) say match: dates, camera make, model and lens, kind, file name, GPS box and
/// radius, place (named from truth's coordinates), and the filters set by hand (favourite,
/// rating, tag, album) on files chosen from truth.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct LibrarySearchCorpusTests {
    /// A truth row's string field, trimmed, `nil` when empty.
    static func text(_ row: [String: Any], _ key: String) -> String? {
        guard let value = (row[key] as? String)?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// The local capture date (`YYYY-MM-DD`) exiftool reads: DateTimeOriginal, else CreateDate.
    static func day(_ row: [String: Any]) -> String? {
        guard let raw = text(row, "DateTimeOriginal") ?? text(row, "CreateDate"), raw.count >= 10, !raw.hasPrefix("0000") else { return nil }
        return String(raw.prefix(10)).replacingOccurrences(of: ":", with: "-")
    }

    /// Files where MediaKit reads a field differently from exiftool, with the reason; each is
    /// left out of the checks of that field only (and checked to still differ, so the list
    /// cannot go stale).
    static let knownDifferences: [String: (field: String, reason: String)] = [
        "media/exif-samples/jpg/exif-org/sony-powershota5.jpg":
            ("Make", "its make is only in a Canon CIFF block, which MediaKit does not read"),
        "media/metadata-extractor-images/jpg/Nikon D5000.jpg":
            ("GPS", "its EXIF GPS seconds are 0/0, so exiftool gives no position; MediaKit takes the XMP one (48.8887 N, 21.0433 E)"),
    ]

    @Test func everyFilterFindsWhatTruthSays() async throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        var options = ImportOptions()
        options.makesThumbnails = false
        let summary = await library.import([Corpus.path("media")], options: options)
        #expect(summary.imported > 200)

        // The library's assets by content; truth rows of the files it holds (the broken PNGs are not).
        var all = AssetQuery()
        all.visibility = Set(AssetVisibility.allCases)
        all.trash = .include
        let assets = try library.search(all, limit: 1000).assets
        let bySHA = Dictionary(assets.map { ($0.hash.sha256, $0) }, uniquingKeysWith: { a, _ in a })
        let truth = try Corpus.truth().filter { bySHA[$0["sha256"] as? String ?? ""] != nil }
        #expect(Set(truth.compactMap { $0["sha256"] as? String }).count == assets.count)
        let geocoder = try ReverseGeocoder.shared()

        /// Checks one query against the truth rows that match `expected` (by content), leaving
        /// out the files known to differ in `field`.
        func check(_ name: String, field: String? = nil, _ change: (inout AssetQuery) -> Void, minimum: Int = 1,
                   _ expected: ([String: Any]) -> Bool) throws {
            var q = AssetQuery()
            change(&q)
            let left = Set(Self.knownDifferences.filter { $0.value.field == field }.keys)
            let leftOut = Set(truth.filter { left.contains($0["path"] as? String ?? "") }.compactMap { $0["sha256"] as? String })
            let found = Set(try library.search(q, limit: 1000).assets.map(\.hash.sha256)).subtracting(leftOut)
            let want = Set(truth.filter(expected).compactMap { $0["sha256"] as? String }).subtracting(leftOut)
            let path = { (sha: String) in (truth.first { $0["sha256"] as? String == sha }?["path"] as? String) ?? sha }
            let extra = found.subtracting(want).map(path).sorted(), missing = want.subtracting(found).map(path).sorted()
            #expect(extra.isEmpty && missing.isEmpty, "\(name): extra \(extra), missing \(missing)")
            #expect(want.count >= minimum, "\(name) must test something")
        }
        func day(_ y: Int, _ m: Int, _ d: Int) -> LocalDateTime? { LocalDateTime(year: y, month: m, day: d, hour: 0, minute: 0, second: 0) }
        let isVideo = { (row: [String: Any]) in (row["mime"] as? String ?? "").hasPrefix("video/") }

        try check("taken 2005-2008", { $0.takenFrom = day(2005, 1, 1); $0.takenBefore = day(2009, 1, 1) }, minimum: 30) { row in
            guard let d = Self.day(row) else { return false }
            return d >= "2005-01-01" && d < "2009-01-01"
        }
        try check("taken in May 2008", { $0.takenFrom = day(2008, 5, 1); $0.takenBefore = day(2008, 6, 1) }) { row in
            Self.day(row)?.hasPrefix("2008-05") == true
        }
        for make in ["Canon", "nikon corporation", "Apple", "FUJIFILM"] {
            try check("make \(make)", field: "Make", { $0.make = make }) { Self.text($0, "Make")?.lowercased() == make.lowercased() }
        }
        try check("model", { $0.model = "Canon EOS 40D" }) { Self.text($0, "Model") == "Canon EOS 40D" }
        try check("lens", { $0.lens = "iPhone 6 back camera 4.15mm f/2.2" }) { Self.text($0, "LensModel") == "iPhone 6 back camera 4.15mm f/2.2" }
        try check("videos", { $0.kind = .video }, minimum: 5, isVideo)
        try check("photos", { $0.kind = .image }, minimum: 200) { !isVideo($0) }
        try check("file name part", { $0.filename = "dscn" }) { ($0["path"] as? String ?? "").split(separator: "/").last?.lowercased().contains("dscn") == true }
        try check("free text: a file name word", { $0.text = "dscn0010" }) {
            ($0["path"] as? String ?? "").split(separator: "/").last?.lowercased().hasPrefix("dscn0010") == true
        }
        func position(_ row: [String: Any]) -> (Double, Double)? {
            guard let lat = row["GPSLatitude"] as? Double, let lon = row["GPSLongitude"] as? Double, lat != 0 || lon != 0 else { return nil }
            return (lat, lon)
        }
        try check("box over Europe", field: "GPS", { $0.area = .box(south: 35, west: -10, north: 60, east: 30) }, minimum: 5) { row in
            guard let (lat, lon) = position(row) else { return false }
            return (35...60).contains(lat) && (-10...30).contains(lon)
        }
        let (centreLat, centreLon) = try #require(truth.compactMap(position).first)
        try check("within 100 km of a photo", field: "GPS", { $0.area = .radius(latitude: centreLat, longitude: centreLon, meters: 100_000) }) { row in
            guard let (lat, lon) = position(row) else { return false }
            return GeoArea.distance(latitude: centreLat, longitude: centreLon, latitude: lat, longitude: lon) <= 100_000
        }
        // Places: the city and country named from truth's coordinates.
        let places = truth.compactMap { row in position(row).flatMap { geocoder.place(latitude: $0.0, longitude: $0.1) } }
        let commonCity = try #require(Dictionary(grouping: places, by: \.city).max { $0.value.count < $1.value.count }?.key)
        let commonCountry = try #require(Dictionary(grouping: places, by: \.countryCode).max { $0.value.count < $1.value.count }?.key)
        try check("city \(commonCity)", field: "GPS", { $0.city = commonCity }) { row in
            position(row).flatMap { geocoder.place(latitude: $0.0, longitude: $0.1) }?.city == commonCity
        }
        try check("country \(commonCountry)", field: "GPS", { $0.country = commonCountry }, minimum: 2) { row in
            position(row).flatMap { geocoder.place(latitude: $0.0, longitude: $0.1) }?.countryCode == commonCountry
        }

        // The known differences still differ as explained.
        let sony = try #require(truth.first { $0["path"] as? String == "media/exif-samples/jpg/exif-org/sony-powershota5.jpg" })
        #expect(Self.text(sony, "Make") == "Canon" && bySHA[sony["sha256"] as? String ?? ""]?.metadata.make == nil)
        let nikon = try #require(truth.first { $0["path"] as? String == "media/metadata-extractor-images/jpg/Nikon D5000.jpg" })
        #expect(nikon["GPSLatitude"] == nil || nikon["GPSLatitude"] is NSNull)
        #expect(abs((bySHA[nikon["sha256"] as? String ?? ""]?.metadata.location?.latitude ?? 0) - 48.8887) < 0.001)

        // Filters set by hand, on files chosen from truth: the Nikons are favourites, the
        // Canons rejected (-1, a rating no corpus file carries), the Apples tagged travel/phone
        // and put in an album.
        let ids = { (make: String) in truth.filter { Self.text($0, "Make") == make }.compactMap { bySHA[$0["sha256"] as? String ?? ""]?.id } }
        try library.setFavorite(ids("NIKON"), true)
        try library.edit(ids("Canon"), [.rating(-1)])
        try library.tag(ids("Apple"), with: ["travel/phone"])
        let album = try library.createAlbum(name: "Phones", assets: ids("Apple"))
        try check("favourites", { $0.isFavorite = true }) { Self.text($0, "Make") == "NIKON" }
        try check("rejected", { $0.ratings = -1...(-1) }) { Self.text($0, "Make") == "Canon" }
        try check("tag travel", { $0.tags = ["travel"] }) { Self.text($0, "Make") == "Apple" }
        try check("album", { $0.albums = [album.id] }) { Self.text($0, "Make") == "Apple" }
        try check("Canon and rated, 2005-2008", {
            $0.make = "canon"; $0.ratings = -1...0; $0.takenFrom = day(2005, 1, 1); $0.takenBefore = day(2009, 1, 1)
        }) { row in
            guard Self.text(row, "Make") == "Canon", let d = Self.day(row) else { return false }
            return d >= "2005-01-01" && d < "2009-01-01"
        }
        // Trashed and hidden assets leave the default search, and come back when asked for.
        let hidden = ids("FUJIFILM")
        try library.setVisibility(hidden, .hidden)
        try library.trash(ids("SONY"))
        try check("default leaves out hidden and trashed", { _ in }, minimum: 150) {
            !["FUJIFILM", "SONY"].contains(Self.text($0, "Make") ?? "")
        }
        try check("the trash", { $0.trash = .only; $0.visibility = Set(AssetVisibility.allCases) }) { Self.text($0, "Make") == "SONY" }
        #expect(try library.timeline().reduce(0) { $0 + $1.count } <= assets.count - hidden.count)
    }

    /// Photos whose EXIF date has no offset but which carry GPS get the offset of the position's
    /// time zone at that local time (daylight saving included); expected offsets worked out by
    /// hand from each place's rules on that date.
    @Test func gpsTimeZonesGiveOffsetsTheFilesLack() async throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        var options = ImportOptions()
        options.makesThumbnails = false
        let expected: [String: Int] = [
            "media/exif-samples/jpg/gps/DSCN0010.jpg": 7_200,                       // Tuscany, 22 Oct 2008: CEST
            "media/exif-samples/jpg/Kodak_CX7530.jpg": 10_800,                      // Kenya, Aug 2005: EAT
            "media/metadata-extractor-images/jpg/Apple iPhone 5.jpg": -25_200,      // Seattle, 29 Sep 2012: PDT
            "media/metadata-extractor-images/jpg/Nexus 4.jpg": 0,                   // London, 20 Jan 2013: GMT
            "media/metadata-extractor-images/jpg/Nokia Lumia 800.jpg": 3_600,       // Dublin, 9 Jun 2012: IST
            "media/metadata-extractor-images/heic/IMG_1034.heic": 28_800,           // Guangdong, Feb 2018: CST
            "media/exiftool/t/images/GoPro.jpg": -14_400,                           // Brooklyn, 3 Oct 2017: EDT
        ]
        let paths = expected.keys.map { Corpus.path($0) }
        #expect(await library.import(paths, options: options).imported == expected.count)
        for asset in try library.search(AssetQuery(), limit: 100).assets {
            let relative = String(try #require(asset.sourcePath).dropFirst(Corpus.root.count + 1))
            let capture = try #require(asset.metadata.capturedAt, "\(relative)")
            #expect(capture.offsetSeconds == expected[relative], "\(relative): \(capture.text)")
            // The Lumia's XMP dates carry their offset; the others get it from the position.
            if !relative.contains("Lumia") { #expect(asset.metadata.sources[.utcOffset] == Library.gpsTimeZoneSource, "\(relative)") }
            #expect(capture.instant != nil && asset.place != nil, "\(relative)")
        }
    }
}
