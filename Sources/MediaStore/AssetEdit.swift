public import MediaCore
import Foundation

/// A change by hand to what an asset's file says. The original is never touched: the edit is
/// kept in the catalog, locked (reading the file's metadata again does not undo it), and
/// written to the asset's XMP sidecar in the standard namespaces.
///
/// ```swift
/// try library.edit([id], [.rating(5), .description("Sunset over the Tagus"),
///                         .capturedAt(LocalDateTime(parsing: "2019-07-14T20:41:00")!, offsetSeconds: 3600),
///                         .location(GPSLocation(latitude: 38.6916, longitude: -9.2160))])
/// ```
public enum AssetEdit: Sendable, Hashable, Codable {
    /// The local wall-clock time it was taken, and the UTC offset there when known (`nil`: the
    /// offset of the asset's position's time zone, when it has a position).
    case capturedAt(LocalDateTime, offsetSeconds: Int?)
    /// Moves the capture time by this many seconds (a camera whose clock was wrong), keeping
    /// its UTC offset. Assets without a capture time are left as they are.
    case shiftCapturedAt(seconds: Int)
    /// Where it was taken; `nil` removes the position (and the place named from it).
    case location(GPSLocation?)
    /// −1 (rejected) to 5 stars; `nil` removes the rating.
    case rating(Int?)
    /// A caption; `nil` or empty removes it.
    case description(String?)

    /// The field an edit locks.
    public enum Field: String, Sendable, Hashable, Codable, CaseIterable {
        /// ``AssetEdit/capturedAt(_:offsetSeconds:)``.
        case capturedAt
        /// ``AssetEdit/location(_:)``.
        case location
        /// ``AssetEdit/rating(_:)``.
        case rating
        /// ``AssetEdit/description(_:)``.
        case description
    }

    /// The field this edit changes and locks.
    public var field: Field {
        switch self {
        case .capturedAt, .shiftCapturedAt: .capturedAt
        case .location: .location
        case .rating: .rating
        case .description: .description
        }
    }
}

/// A tag of one owner: a path of names (`travel/portugal/lisbon`) whose parents are tags too.
public struct Tag: Sendable, Hashable, Codable {
    /// The whole path, names joined by `/`.
    public var path: String
    /// The assets (not in the trash) that carry this tag itself (not counting its children).
    public var assetCount: Int

    /// The last name of the path.
    public var name: String { path.split(separator: "/").last.map(String.init) ?? path }

    /// Creates a tag record.
    public init(path: String, assetCount: Int) {
        self.path = path
        self.assetCount = assetCount
    }

    /// The path cleaned: names trimmed, empty names dropped (`" travel// lisbon "` →
    /// `travel/lisbon`); `nil` when nothing is left.
    public static func normalized(_ path: String) -> String? {
        let names = path.split(separator: "/").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        return names.isEmpty ? nil : names.joined(separator: "/")
    }
}

/// What purging the trash removed.
public struct PurgeSummary: Sendable, Hashable, Codable {
    /// Assets removed for good.
    public var assets = 0
    /// Objects deleted because no asset refers to them any more.
    public var objects = 0
    /// Bytes of those objects.
    public var bytes: Int64 = 0

    /// An empty summary.
    public init() {}
}
