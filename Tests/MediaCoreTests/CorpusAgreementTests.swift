import Foundation
import Testing
@testable import MediaCore

/// MediaKit against exiftool on the shared corpus (skipped when ../shared/corpus is absent).
///
/// The rules are those of scripts/agreement.py: dates to the millisecond with the offset when
/// exiftool has one, numbers within 0.5 %, GPS within 1e-5 degrees; a value only MediaKit has
/// counts as agreeing when exiftool's full output has it under the tag MediaKit read.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct CorpusAgreementTests {
    /// Immutable after loading; `Any` holds only JSON values.
    struct Row: @unchecked Sendable {
        let path: String
        let truth: [String: Any]
        let full: [String: Any]
        let result: Result<MediaMetadata, MediaCoreError>
    }

    static let rows: [Row] = {
        guard Corpus.isAvailable, let truth = try? Corpus.truth() else { return [] }
        var full: [String: [String: Any]] = [:]
        if let text = try? String(contentsOfFile: Corpus.path("truth-full.jsonl"), encoding: .utf8) {
            for line in text.split(separator: "\n") {
                if let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                   let p = o["path"] as? String { full[p] = o["exiftool"] as? [String: Any] ?? [:] }
            }
        }
        var configuration = StandardMetadataReader.Configuration()
        configuration.readsSidecars = false
        let reader = StandardMetadataReader(configuration: configuration)
        return truth.map { t in
            let path = t["path"] as? String ?? ""
            let result = Result { () throws(MediaCoreError) -> MediaMetadata in try reader.read(path: Corpus.path(path)) }
            return Row(path: path, truth: t, full: full[path] ?? [:], result: result)
        }
    }()

    static func number(_ v: Any?) -> Double? {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        if let s = v as? String, let last = s.split(separator: " ").last { return Double(last) }
        return nil
    }

    static func close(_ a: Double?, _ b: Double?, relative: Double = 0.005, absolute: Double = 0) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a - b) <= max(abs(b) * relative, absolute)
    }

    /// exiftool `YYYY:MM:DD HH:MM:SS[.fff][±HH:MM|Z]` → (seconds as if UTC, offset seconds).
    static func exiftoolDate(_ text: String?) -> (Double, Int?)? {
        guard let text, let p = DateText.parse(text) else { return nil }
        return (p.local.secondsSinceEpochAsUTC, p.offsetSeconds)
    }

    /// exiftool's capture date by MediaKit's priority.
    static func expectedDate(_ row: Row, ours: CaptureDate?) -> (Double, Int?)? {
        let t = row.truth
        let sources = t["sources"] as? [String: String] ?? [:]
        // MediaKit's sources are spelt like exiftool's tags: where it ranks another tag first
        // (Apple's CreationDate before mvhd, GPS time, Canon's CRW time stamp), compare with
        // exiftool's value of that tag.
        if let ours, !ours.source.hasPrefix("File:"), !ours.source.hasPrefix("EXIF:DateTimeOriginal"),
           !ours.source.hasPrefix("EXIF:CreateDate") {
            let tag = ours.source == "EXIF:GPSDateTime" ? "Composite:GPSDateTime" : ours.source
            let utc = tag == "Composite:GPSDateTime" || tag == "QuickTime:CreateDate"
            if let d = exiftoolDate(row.full[tag] as? String) { return (d.0, d.1 ?? (utc ? 0 : nil)) }
        }
        if let dto = t["DateTimeOriginal"] as? String, var d = exiftoolDate(dto) {
            if let sub = t["SubSecTimeOriginal"], d.0 == d.0.rounded(.down), let ms = DateText.subSeconds("\(sub)") {
                d.0 += Double(ms) / 1000
            }
            if let o = t["OffsetTimeOriginal"] as? String { d.1 = DateText.parseOffset(o) }
            return d
        }
        if let cd = t["CreateDate"] as? String, var d = exiftoolDate(cd) {
            let source = sources["CreateDate"] ?? ""
            if source.hasPrefix("QuickTime") { d.1 = 0 }
            if source.hasPrefix("EXIF"), let o = t["OffsetTimeDigitized"] as? String { d.1 = DateText.parseOffset(o) }
            return d
        }
        return nil
    }

    static func sameDate(_ ours: CaptureDate?, _ expected: (Double, Int?)?) -> Bool {
        let mine = ours.flatMap { $0.source.hasPrefix("File:") ? nil : $0 }
        guard let mine, let expected else { return mine == nil && expected == nil }
        let local = mine.local.secondsSinceEpochAsUTC
        if expected.1 == 0, let off = mine.offsetSeconds, off != 0 { return abs(local - Double(off) - expected.0) < 0.001 }
        return abs(local - expected.0) < 0.001 && (expected.1 == nil || expected.1 == mine.offsetSeconds)
    }

    /// Field name → whether MediaKit agrees with exiftool on `row`.
    static func agreement(_ row: Row) -> [String: Bool] {
        let t = row.truth
        guard case .success(let m) = row.result else {
            // Unreadable: agreement only where exiftool knows nothing either.
            let unknown = t["file_type"] is NSNull
            return Dictionary(uniqueKeysWithValues: fields.map { ($0, unknown && $0 != "format" && $0 != "mimeType" ? true : unknown) })
        }
        func text(_ key: String) -> String? { (t[key] as? String).map { $0.trimmingCharacters(in: .whitespaces) } }
        func fromFull(_ tags: [String]) -> Double? { tags.lazy.compactMap { number(row.full[$0]) }.first }
        func string(_ ours: String?, _ theirs: String?, fallback: [String] = []) -> Bool {
            if ours == theirs { return true }
            if theirs == nil, let ours { return fallback.contains { (row.full[$0] as? String).map { $0.trimmingCharacters(in: .whitespaces) } == ours } }
            return false
        }
        func numeric(_ ours: Double?, _ key: String, relative: Double = 0.005, absolute: Double = 0, fallback: [String] = []) -> Bool {
            let theirs = number(t[key])
            if close(ours, theirs, relative: relative, absolute: absolute) { return true }
            return theirs == nil && ours != nil && close(ours, fromFull(fallback), relative: relative, absolute: absolute)
        }
        /// truth.jsonl turns the size by QuickTime:Rotation only; a video track's turn that exiftool
        /// gives as Composite:Rotation must be followed as well.
        func displayed(_ key: String) -> Int? {
            guard t["orientation"] is NSNull, t["rotation"] is NSNull,
                  let turn = row.full["Composite:Rotation"] as? Int, turn == 90 || turn == 270 else { return t[key] as? Int }
            return t[key == "width" ? "raw_height" : "raw_width"] as? Int
        }
        let fileType = t["file_type"] as? String
        return [
            "format": fileType.map { MediaCorpusNames.fileTypes[m.format]?.contains($0) ?? false } ?? false,
            "mimeType": m.mimeType == text("mime"),
            "width": m.width == displayed("width"),
            "height": m.height == displayed("height"),
            "orientation": m.orientation == t["orientation"] as? Int,
            "capturedAt": sameDate(m.capturedAt, expectedDate(row, ours: m.capturedAt)),
            "make": string(m.make, text("Make")),
            "model": string(m.model, text("Model")),
            "lens": string(m.lens, text("LensModel"), fallback: ["XMP:Lens", "XMP:LensModel"]),
            "fNumber": numeric(m.fNumber, "FNumber"),
            "exposureTime": numeric(m.exposureTime, "ExposureTime"),
            "iso": numeric(m.iso.map(Double.init), "ISO"),
            "focalLength": numeric(m.focalLength, "FocalLength"),
            "latitude": numeric(m.location?.latitude, "GPSLatitude", relative: 0, absolute: 1e-5, fallback: ["XMP:GPSLatitude"]),
            "longitude": numeric(m.location?.longitude, "GPSLongitude", relative: 0, absolute: 1e-5, fallback: ["XMP:GPSLongitude"]),
            "altitude": numeric(m.location?.altitude, "GPSAltitude", absolute: 0.01, fallback: ["XMP:GPSAltitude"]),
            "duration": numeric(m.duration, "Duration"),
        ]
    }

    static let fields = ["format", "mimeType", "width", "height", "orientation", "capturedAt", "make", "model", "lens",
                         "fNumber", "exposureTime", "iso", "focalLength", "latitude", "longitude", "altitude", "duration"]

    /// The agreement reached when this suite was last tightened: files that must agree, per field.
    /// Raise these as the readers improve; never lower them to make a change pass.
    static let minimumAgreeing: [String: Int] = [
        "format": 264, "mimeType": 263, "width": 263, "height": 262, "orientation": 264, "capturedAt": 264,
        "make": 263, "model": 263, "lens": 264, "fNumber": 264, "exposureTime": 264, "iso": 262,
        "focalLength": 262, "latitude": 264, "longitude": 264, "altitude": 264, "duration": 264,
    ]

    @Test func everyFieldAgreesWithExiftool() throws {
        let rows = Self.rows
        #expect(rows.count == 264)
        var agreeing: [String: Int] = [:]
        var disagreements: [String: [String]] = [:]
        for row in rows {
            for (field, ok) in Self.agreement(row) {
                if ok { agreeing[field, default: 0] += 1 } else { disagreements[field, default: []].append(row.path) }
            }
        }
        for field in Self.fields {
            let n = agreeing[field, default: 0]
            #expect(n >= Self.minimumAgreeing[field] ?? rows.count,
                    "\(field): \(n)/\(rows.count) agree; disagreeing: \(disagreements[field] ?? [])")
        }
    }

    @Test func brokenFilesGiveClearErrorsOrWarnings() {
        // Reading every corpus file has already happened without a crash; the two files
        // exiftool cannot identify must fail with an error that names the file.
        for row in Self.rows where row.truth["file_type"] is NSNull {
            guard case .failure(let error) = row.result else {
                Issue.record("\(row.path) should not be readable")
                continue
            }
            #expect(error.description.contains(row.path))
            #expect(error.code == .unsupportedFormat)
        }
        // JPEGs without image data (libexif's maker-note test files) still give their metadata,
        // with a warning that says what is missing.
        let noImage = Self.rows.filter { ($0.truth["exiftool_warning"] as? String) == "Missing JPEG SOS" }
        #expect(noImage.count == 9)
        for row in noImage {
            guard case .success(let m) = row.result else {
                Issue.record("\(row.path) should be readable")
                continue
            }
            #expect(m.warnings.contains { $0.contains("no image data") }, "\(row.path): \(m.warnings)")
            #expect(m.make != nil, "\(row.path) has a Make")
        }
    }

    @Test func exactDuplicatesHashAlike() throws {
        let a = try ContentHash.ofFile(atPath: Corpus.path("media/exif-samples/jpg/exif-org/ricoh-rdc5300.jpg"))
        let b = try ContentHash.ofFile(atPath: Corpus.path("media/metadata-extractor-images/jpg/Ricoh RDC5300.jpg"))
        #expect(a == b)
        let truth = try Corpus.truth().first { ($0["path"] as? String)?.hasSuffix("ricoh-rdc5300.jpg") == true }
        #expect(a.sha256 == truth?["sha256"] as? String)
    }
}

/// exiftool's File:FileType names for each MediaFormat.
enum MediaCorpusNames {
    static let fileTypes: [MediaFormat: Set<String>] = [
        .jpeg: ["JPEG"], .png: ["PNG"], .gif: ["GIF"], .webp: ["WEBP", "Extended WEBP"], .heic: ["HEIC"], .heif: ["HEIF"],
        .avif: ["AVIF"], .tiff: ["TIFF"], .bigTIFF: ["BTF"], .dng: ["DNG"], .cr2: ["CR2"], .cr3: ["CR3"], .crw: ["CRW"],
        .nef: ["NEF"], .arw: ["ARW"], .orf: ["ORF"], .rw2: ["RW2", "RAW"], .raf: ["RAF"], .pef: ["PEF"], .mrw: ["MRW"],
        .x3f: ["X3F"], .iiq: ["IIQ"], .bmp: ["BMP"], .jxl: ["JXL"], .jp2: ["JP2"], .mov: ["MOV"], .mp4: ["MP4"],
        .m4v: ["M4V"], .threeGP: ["3GP"], .avi: ["AVI"], .m2ts: ["M2TS"], .mkv: ["MKV"], .webm: ["WEBM"],
    ]
}
