public import Foundation

/// One file's metadata in the flat shape of `media metadata --json` (one JSON object per line).
///
/// Other tools parse this output, so its keys are a contract: `path` (as given), `format`,
/// `mimeType`, `width`/`height` (displayed), `orientation`, `capturedAt`
/// (`YYYY-MM-DDTHH:MM:SS[.fff][±HH:MM]`), `capturedAtSource`, `make`, `model`, `lens`,
/// `fNumber`, `exposureTime` (s), `iso`, `focalLength` (mm), `latitude`, `longitude`,
/// `altitude` (m), `duration` (s), `warnings`, and `error` only when the file could not be
/// read. Unknown values are absent.
public struct MetadataRecord: Sendable, Hashable, Codable {
    public var path: String
    public var format: String?
    public var mimeType: String?
    public var width: Int?
    public var height: Int?
    public var orientation: Int?
    public var capturedAt: String?
    public var capturedAtSource: String?
    public var make: String?
    public var model: String?
    public var lens: String?
    public var fNumber: Double?
    public var exposureTime: Double?
    public var iso: Int?
    public var focalLength: Double?
    public var latitude: Double?
    public var longitude: Double?
    public var altitude: Double?
    public var duration: Double?
    public var warnings: [String]
    public var error: String?

    /// The record of a file that was read.
    public init(path: String, metadata m: MediaMetadata) {
        self.path = path
        format = m.format.rawValue
        mimeType = m.mimeType
        width = m.width
        height = m.height
        orientation = m.orientation
        capturedAt = m.capturedAt?.text
        capturedAtSource = m.capturedAt?.source
        make = m.make
        model = m.model
        lens = m.lens
        fNumber = m.fNumber
        exposureTime = m.exposureTime
        iso = m.iso
        focalLength = m.focalLength
        latitude = m.location?.latitude
        longitude = m.location?.longitude
        altitude = m.location?.altitude
        duration = m.duration
        warnings = m.warnings
    }

    /// The record of a file that could not be read.
    public init(path: String, error: MediaCoreError) {
        self.path = path
        self.warnings = []
        self.error = error.description
    }

    /// The record as one line of JSON (no trailing newline), keys in a stable order.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{\"path\":\"?\"}" }
        return String(decoding: data, as: UTF8.self)
    }
}
