import Foundation

/// Everything MediaKit reads from a file: normalised fields, the source each came from,
/// the raw tags behind them, and the warnings met on the way.
///
/// Normalised fields use one unit each (seconds, millimetres, signed decimal degrees,
/// metres) whatever the container stored; `sources` says which tag won for each field,
/// in exiftool's `Group:Tag` spelling (`"EXIF:DateTimeOriginal"`, `"QuickTime:Make"`).
///
/// ```swift
/// let metadata = try MetadataReader().read(path: "IMG_5195.HEIC")
/// metadata.capturedAt?.text         // "2021-04-11T15:47:53.054-05:00"
/// metadata.sources[.capturedAt]     // "EXIF:DateTimeOriginal"
/// metadata.width                    // displayed width, after orientation
/// ```
public struct MediaMetadata: Sendable, Hashable, Codable {
    /// The format sniffed from the bytes.
    public var format: MediaFormat
    /// Stored pixel width, before orientation or rotation.
    public var pixelWidth: Int?
    /// Stored pixel height, before orientation or rotation.
    public var pixelHeight: Int?
    /// EXIF orientation, 1–8.
    public var orientation: Int?
    /// Clockwise rotation in degrees from a HEIF `irot` or a video track matrix (0, 90, 180, 270).
    public var rotation: Int?
    /// When the photo or video was taken.
    public var capturedAt: CaptureDate?
    /// Camera maker, as stored (trailing spaces and NULs trimmed).
    public var make: String?
    /// Camera model, as stored.
    public var model: String?
    /// Lens model.
    public var lens: String?
    /// Aperture as an f-number.
    public var fNumber: Double?
    /// Exposure time in seconds.
    public var exposureTime: Double?
    /// ISO sensitivity.
    public var iso: Int?
    /// Focal length in millimetres (not 35 mm equivalent).
    public var focalLength: Double?
    /// Where the photo was taken.
    public var location: GPSLocation?
    /// Duration in seconds of videos and animated images.
    public var duration: Double?
    /// Rating from XMP (`xmp:Rating`), −1…5.
    public var rating: Int?
    /// Description or caption (`dc:description`, EXIF ImageDescription).
    public var caption: String?
    /// For each normalised field, the tag it was taken from (`"EXIF:FNumber"`).
    public var sources: [MetadataField: String]
    /// The raw tags read, kept apart from the normalised fields.
    public var rawTags: [RawTag]
    /// Problems that did not stop reading (a broken maker note, a bad IFD offset...).
    public var warnings: [String]

    /// Creates metadata holding only a format; readers fill in the rest.
    public init(format: MediaFormat) {
        self.format = format
        self.sources = [:]
        self.rawTags = []
        self.warnings = []
    }

    /// The MIME type of `format`.
    public var mimeType: String { format.mimeType }

    /// Whether the displayed image is the stored one turned a quarter (EXIF orientation 5–8,
    /// or a rotation of 90 or 270 degrees when there is no EXIF orientation).
    public var isQuarterTurned: Bool {
        if let orientation { return orientation >= 5 && orientation <= 8 }
        if let rotation { return rotation % 180 == 90 }
        return false
    }

    /// Displayed width, after orientation or rotation.
    public var width: Int? { isQuarterTurned ? pixelHeight : pixelWidth }
    /// Displayed height, after orientation or rotation.
    public var height: Int? { isQuarterTurned ? pixelWidth : pixelHeight }
}

/// The normalised fields of `MediaMetadata`, used to say where each came from.
public enum MetadataField: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// One case per normalised field of `MediaMetadata` (`pixelSize` covers width and height,
    /// `location` latitude and longitude).
    case pixelSize, orientation, rotation, capturedAt, make, model, lens, fNumber, exposureTime, iso
    case focalLength, location, altitude, duration, rating, caption
    /// The UTC offset of ``capturedAt`` when it came from elsewhere than the date's own tags
    /// (for example `"GPS:TimeZone"`: the time zone of the GPS position).
    case utcOffset
}

/// A position on Earth in WGS 84.
public struct GPSLocation: Sendable, Hashable, Codable {
    /// Signed decimal degrees, positive north.
    public var latitude: Double
    /// Signed decimal degrees, positive east.
    public var longitude: Double
    /// Metres above sea level, negative below.
    public var altitude: Double?

    /// Creates a location.
    public init(latitude: Double, longitude: Double, altitude: Double? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
    }

    /// Whether the coordinates are within range (and not the 0,0 that some cameras write when they have no fix).
    public var isPlausible: Bool {
        abs(latitude) <= 90 && abs(longitude) <= 180 && !(latitude == 0 && longitude == 0)
            && latitude.isFinite && longitude.isFinite
    }
}

/// A tag as it was stored, before normalisation.
public struct RawTag: Sendable, Hashable, Codable {
    /// The group, in exiftool's family-0 spelling: `EXIF`, `XMP`, `QuickTime`, `PNG`...
    public var group: String
    /// The tag name (`DateTimeOriginal`, `xmp:Rating`, `©xyz`).
    public var name: String
    /// The value as text: numbers in decimal, rationals as `n/d`, several values joined by spaces.
    public var value: String

    /// Creates a raw tag.
    public init(group: String, name: String, value: String) {
        self.group = group
        self.name = name
        self.value = value
    }
}
