import Foundation

/// One file's metadata in the flat shape of `media metadata --json` (one JSON object per line).
///
/// Other tools parse this output, so its keys are a contract: `path` (as given), `format`,
/// `mimeType`, `width`/`height` (displayed), `orientation`, `capturedAt`
/// (`YYYY-MM-DDTHH:MM:SS[.fff][±HH:MM]`), `capturedAtSource`, `make`, `model`, `lens`,
/// `fNumber`, `exposureTime` (s), `iso`, `focalLength` (mm), `latitude`, `longitude`,
/// `altitude` (m), `duration` (s), `warnings`, and `error` only when the file could not be
/// read. Unknown values are absent.
public struct MetadataRecord: Sendable, Hashable, Codable {
    /// The path as given on the command line.
    public var path: String
    /// `MediaFormat.rawValue`.
    public var format: String?
    /// The MIME type of the format.
    public var mimeType: String?
    /// Displayed width, after orientation or rotation.
    public var width: Int?
    /// Displayed height, after orientation or rotation.
    public var height: Int?
    /// EXIF orientation, 1–8.
    public var orientation: Int?
    /// `CaptureDate.text`.
    public var capturedAt: String?
    /// The tag the capture date came from.
    public var capturedAtSource: String?
    /// Camera maker.
    public var make: String?
    /// Camera model.
    public var model: String?
    /// Lens model.
    public var lens: String?
    /// Aperture as an f-number.
    public var fNumber: Double?
    /// Exposure time in seconds.
    public var exposureTime: Double?
    /// ISO sensitivity.
    public var iso: Int?
    /// Focal length in millimetres.
    public var focalLength: Double?
    /// Signed decimal degrees, positive north.
    public var latitude: Double?
    /// Signed decimal degrees, positive east.
    public var longitude: Double?
    /// Metres above sea level.
    public var altitude: Double?
    /// Seconds, for videos and animations.
    public var duration: Double?
    /// Problems that did not stop reading.
    public var warnings: [String]
    /// Why the file could not be read (only then).
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

    /// The record as one line of JSON (no trailing newline), keys in alphabetical order,
    /// unknown values left out.
    public func jsonLine() -> String {
        var w = JSONLineWriter()
        w.number("altitude", altitude)
        w.string("capturedAt", capturedAt)
        w.string("capturedAtSource", capturedAtSource)
        w.number("duration", duration)
        w.string("error", error)
        w.number("exposureTime", exposureTime)
        w.number("fNumber", fNumber)
        w.number("focalLength", focalLength)
        w.string("format", format)
        w.integer("height", height)
        w.integer("iso", iso)
        w.number("latitude", latitude)
        w.string("lens", lens)
        w.number("longitude", longitude)
        w.string("make", make)
        w.string("mimeType", mimeType)
        w.string("model", model)
        w.integer("orientation", orientation)
        w.string("path", path)
        w.strings("warnings", warnings)
        w.integer("width", width)
        return w.finish()
    }
}

/// Writes one JSON object, key by key (faster than `JSONEncoder` for a flat record).
/// Shared with MediaStore's records (package access, not public API).
package struct JSONLineWriter {
    private var out = "{"

    package init() {}
    private var first = true

    private mutating func key(_ k: String) {
        if !first { out += "," }
        first = false
        out += "\"" + k + "\":"
    }

    package mutating func string(_ k: String, _ v: String?) {
        guard let v else { return }
        key(k)
        JSONLineWriter.quote(v, into: &out)
    }

    package mutating func strings(_ k: String, _ v: [String]) {
        key(k)
        out += "["
        for (i, s) in v.enumerated() {
            if i > 0 { out += "," }
            JSONLineWriter.quote(s, into: &out)
        }
        out += "]"
    }

    package mutating func integer(_ k: String, _ v: Int?) {
        guard let v else { return }
        key(k)
        out += String(v)
    }

    package mutating func number(_ k: String, _ v: Double?) {
        guard let v, v.isFinite else { return }
        key(k)
        if v == v.rounded(), abs(v) < 1e15 { out += String(Int64(v)) } else { out += String(v) }
    }

    package mutating func bool(_ k: String, _ v: Bool?) {
        guard let v else { return }
        key(k)
        out += v ? "true" : "false"
    }

    package mutating func finish() -> String { out + "}" }

    package static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
