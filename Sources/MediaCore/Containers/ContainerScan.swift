/// What a container parser found in a file, before the EXIF and XMP payloads are decoded.
///
/// Each parser fills in what its container holds; `MetadataReader` then decodes the
/// payloads and merges everything into a `MediaMetadata`.
struct ContainerScan {
    /// The format, refined by the parser where the magic number was ambiguous (TIFF → DNG/NEF...).
    var format: MediaFormat
    /// Stored pixel size of the main image or the first video track.
    var pixelWidth: Int?
    var pixelHeight: Int?
    /// Clockwise rotation in degrees (HEIF `irot`, video track matrix).
    var rotation: Int?
    /// Seconds (videos, animations).
    var duration: Double?
    /// Where `duration` came from (`"QuickTime:Duration"`).
    var durationSource: String?
    /// EXIF payloads, each a TIFF structure starting with its byte-order mark (`II*\0` / `MM\0*`).
    var exif: [[UInt8]] = []
    /// XMP packets (UTF-8 XML), embedded in the file.
    var xmp: [[UInt8]] = []
    /// Fields from QuickTime/MP4 atoms.
    var quickTime = QuickTimeFields()
    /// Fields from a raw format's own structures (CIFF records, Panasonic's IFD0), used where
    /// EXIF has none.
    var native = NativeFields()
    /// Problems that did not stop parsing.
    var warnings: [String] = []

    init(format: MediaFormat) {
        self.format = format
    }
}

/// Fields read from QuickTime / ISO base media atoms.
struct QuickTimeFields {
    /// `mvhd` creation time, seconds since 1970 UTC (0 and the 1904 epoch itself mean unset).
    var createDate: Double?
    /// Apple `com.apple.quicktime.creationdate` (local time, usually with an offset).
    var creationDate: DateText.Parsed?
    /// `com.apple.quicktime.make` / `©mak`.
    var make: String?
    /// `com.apple.quicktime.model` / `©mod`.
    var model: String?
    /// `©xyz` or `com.apple.quicktime.location.ISO6709`.
    var location: GPSLocation?
    /// Raw atom values, for `MediaMetadata.rawTags`.
    var rawTags: [RawTag] = []
}

/// Camera fields read from a container's own (non-EXIF) structures.
struct NativeFields {
    var make: String?
    var model: String?
    var iso: Int?
    var focalLength: Double?
    var fNumber: Double?
    var exposureTime: Double?
    var dateTimeOriginal: LocalDateTime?
    /// The tag each field came from, in exiftool's `Group:Tag` spelling.
    var sources: [MetadataField: String] = [:]
}
