public import Foundation
public import MediaCore

/// What to look for in a library: every filter that is set must hold (they combine with AND).
///
/// A query with no filter lists the owner's timeline, newest first. Text filters ignore case
/// (tags excepted);
/// `make`, `model` and `lens` match the whole value (as the camera wrote it, so `"canon"` finds
/// `"Canon"`), `filename` any part of the original file name.
///
/// ```swift
/// var query = AssetQuery()
/// query.takenFrom = LocalDateTime(year: 2019, month: 1, day: 1, hour: 0, minute: 0, second: 0)
/// query.takenBefore = LocalDateTime(year: 2020, month: 1, day: 1, hour: 0, minute: 0, second: 0)
/// query.make = "Canon"
/// query.area = .radius(latitude: 38.72, longitude: -9.14, meters: 20_000)
/// let page = try library.search(query)
/// ```
public struct AssetQuery: Sendable, Hashable, Codable {
    /// The earliest local capture time (wall clock where the photo was taken), inclusive.
    public var takenFrom: LocalDateTime?
    /// The local capture time the assets were taken before (exclusive).
    public var takenBefore: LocalDateTime?
    /// The camera maker, the whole value, any case.
    public var make: String?
    /// The camera model, the whole value, any case.
    public var model: String?
    /// The lens model, the whole value, any case.
    public var lens: String?
    /// Photos or videos.
    public var kind: AssetKind?
    /// A part of the original file name, any case.
    public var filename: String?
    /// Only favourites (`true`) or only the others (`false`).
    public var isFavorite: Bool?
    /// Ratings from −1 (rejected) to 5; assets without a rating never match.
    public var ratings: ClosedRange<Int>?
    /// Only assets in every one of these albums (of the same owner).
    public var albums: [AlbumID] = []
    /// Only assets taken inside this area (assets without a position never match).
    public var area: GeoArea?
    /// The city of the place named from the GPS position, the whole name, any case.
    public var city: String?
    /// The region (state, province) of the place, the whole name, any case.
    public var region: String?
    /// The country of the place: its English name or its ISO code (`"Portugal"`, `"PT"`), any case.
    public var country: String?
    /// A part of the description, any case.
    public var description: String?
    /// Only assets carrying every one of these tags, or a tag under it (`travel` finds
    /// `travel/portugal/lisbon`). Tags are case-sensitive: `Travel` is another tag.
    public var tags: [String] = []
    /// Words that must all appear, each as a word or the start of one, in the file name,
    /// description, place or camera (SQLite FTS5, accents and case ignored: `"sao"` finds
    /// `"São Paulo"`, `"lis"` finds `"Lisbon"`).
    public var text: String?
    /// Which visibilities to include. Default: the timeline only (not archived, not hidden).
    public var visibility: Set<AssetVisibility> = [.timeline]
    /// Whether trashed assets are left out (the default), included, or the only ones.
    public var trash: TrashScope = .exclude
    /// Newest first (the default) or oldest first, by local capture time; assets without a
    /// capture time come last either way.
    public var order: Order = .newestFirst

    /// A query with no filter: the owner's timeline, newest first.
    public init() {}

    /// The direction of a search's results.
    public enum Order: String, Sendable, Hashable, Codable {
        /// The latest capture time first.
        case newestFirst
        /// The earliest capture time first.
        case oldestFirst
    }

    /// How a search treats the trash.
    public enum TrashScope: String, Sendable, Hashable, Codable {
        /// Trashed assets never match (the default).
        case exclude
        /// Trashed assets match like the others.
        case include
        /// Only trashed assets match.
        case only
    }
}

/// A region of the Earth's surface for ``AssetQuery/area``.
public enum GeoArea: Sendable, Hashable, Codable {
    /// A latitude/longitude box, edges included. `west > east` crosses the 180th meridian.
    case box(south: Double, west: Double, north: Double, east: Double)
    /// Within `meters` (great-circle distance) of a point.
    case radius(latitude: Double, longitude: Double, meters: Double)

    /// The box that holds the area (for a radius, the smallest latitude/longitude box around
    /// its circle; the whole longitude range near the poles).
    var boundingBox: (south: Double, west: Double, north: Double, east: Double) {
        switch self {
        case .box(let s, let w, let n, let e):
            return (s, w, n, e)
        case .radius(let lat, let lon, let meters):
            let dLat = meters / GeoArea.earthRadius * 180 / .pi
            let south = max(-90, lat - dLat), north = min(90, lat + dLat)
            let cosLat = cos(max(abs(south), abs(north)) * .pi / 180)
            guard cosLat > 1e-9, meters / (GeoArea.earthRadius * cosLat) < .pi else { return (south, -180, north, 180) }
            let dLon = meters / (GeoArea.earthRadius * cosLat) * 180 / .pi
            var west = lon - dLon, east = lon + dLon
            if west < -180 { west += 360 }
            if east > 180 { east -= 360 }
            return (south, west, north, east)
        }
    }

    /// The mean Earth radius in metres (IUGG), for great-circle distances.
    static let earthRadius = 6_371_008.8

    /// The great-circle distance in metres between two points (haversine formula).
    /// - Complexity: O(1).
    public static func distance(latitude lat1: Double, longitude lon1: Double, latitude lat2: Double, longitude lon2: Double) -> Double {
        let p1 = lat1 * .pi / 180, p2 = lat2 * .pi / 180
        let dp = p2 - p1, dl = (lon2 - lon1) * .pi / 180
        let a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * earthRadius * asin(min(1, a.squareRoot()))
    }

    /// Throws when a coordinate is out of range or not finite, or a radius is not positive.
    func validate() throws(MediaStoreError) {
        func latitude(_ v: Double) -> Bool { v.isFinite && (-90...90).contains(v) }
        func longitude(_ v: Double) -> Bool { v.isFinite && (-180...180).contains(v) }
        switch self {
        case .box(let s, let w, let n, let e):
            guard latitude(s), latitude(n), longitude(w), longitude(e), s <= n else {
                throw MediaStoreError(.invalidArgument, "a box needs south <= north within -90...90 and longitudes within -180...180")
            }
        case .radius(let lat, let lon, let meters):
            guard latitude(lat), longitude(lon), meters.isFinite, meters > 0 else {
                throw MediaStoreError(.invalidArgument, "a radius needs a point within range and a positive distance")
            }
        }
    }
}

/// One page of a search's results and where the next one starts.
public struct AssetPage: Sendable, Hashable {
    /// The assets, in the query's order.
    public var assets: [Asset]
    /// Pass to ``Library/search(_:owner:after:limit:)`` for the next page; `nil` after the last.
    public var next: SearchCursor?

    /// Creates a page.
    public init(assets: [Asset], next: SearchCursor?) {
        self.assets = assets
        self.next = next
    }
}

/// Where a page of search results ends: an opaque token (safe in a URL) that the next call
/// continues after, stable while assets are added or removed elsewhere in the order.
public struct SearchCursor: Sendable, Hashable, Codable, LosslessStringConvertible {
    /// The local capture time of the last asset of the page (`nil`: it had none).
    let localTime: String?
    /// Its catalog row, which breaks ties.
    let row: Int64
    /// The order of the search it continues.
    let order: AssetQuery.Order

    init(localTime: String?, row: Int64, order: AssetQuery.Order) {
        self.localTime = localTime
        self.row = row
        self.order = order
    }

    /// Reads a token that ``description`` wrote; `nil` for anything else.
    public init?(_ description: String) {
        let base64 = description.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let padded = base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: padded) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        let parts = text.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let row = Int64(parts[1]), row >= 0 else { return nil }
        switch parts[0] {
        case "d": order = .newestFirst
        case "a": order = .oldestFirst
        default: return nil
        }
        if parts[2].isEmpty {
            localTime = nil
        } else {
            guard LocalDateTime(parsing: String(parts[2])) != nil else { return nil }
            localTime = String(parts[2])
        }
        self.row = row
    }

    /// The token: base64url, no padding.
    public var description: String {
        Data("\(order == .newestFirst ? "d" : "a")|\(row)|\(localTime ?? "")".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes the token.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let cursor = SearchCursor(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a search cursor"))
        }
        self = cursor
    }

    /// Encodes the token.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
