#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The properties of one XMP sidecar (`photo.jpg.xmp`), as MediaKit writes them for
/// digiKam, darktable, Lightroom and exiftool.
///
/// Every property is optional; `nil`, empty and out-of-range values are left out of the packet.
///
/// ```swift
/// var content = XMPSidecarContent(metadata: asset.metadata)
/// content.tags = ["travel/portugal/lisbon"]
/// content.extra["AssetID"] = asset.id.description
/// try XMPWriter.write(content, to: "/export/IMG_0001.JPG.xmp")
/// ```
public struct XMPSidecarContent: Sendable, Hashable, Codable {
    /// When the photo was taken: written as `exif:DateTimeOriginal`, `xmp:CreateDate` and
    /// `photoshop:DateCreated`, `YYYY-MM-DDTHH:MM:SS[.fff][±HH:MM]` (the offset only when known).
    ///
    /// ```swift
    /// content.capturedAt = metadata.capturedAt   // "2021-04-11T15:47:53.054-05:00"
    /// ```
    public var capturedAt: CaptureDate?
    /// Camera maker (`tiff:Make`).
    ///
    /// ```swift
    /// content.make = "Apple"
    /// ```
    public var make: String?
    /// Camera model (`tiff:Model`).
    ///
    /// ```swift
    /// content.model = "iPhone 11 Pro Max"
    /// ```
    public var model: String?
    /// Lens model (`exifEX:LensModel`, and `aux:Lens` for older readers).
    ///
    /// ```swift
    /// content.lens = "EF24-105mm f/4L IS USM"
    /// ```
    public var lens: String?
    /// Aperture as an f-number (`exif:FNumber`, a rational such as `"28/10"`).
    ///
    /// ```swift
    /// content.fNumber = 2.8
    /// ```
    public var fNumber: Double?
    /// Exposure time in seconds (`exif:ExposureTime`, a rational such as `"1/250"`).
    ///
    /// ```swift
    /// content.exposureTime = 1.0 / 250
    /// ```
    public var exposureTime: Double?
    /// Focal length in millimetres (`exif:FocalLength`, a rational such as `"425/100"`).
    ///
    /// ```swift
    /// content.focalLength = 4.25
    /// ```
    public var focalLength: Double?
    /// ISO sensitivity (`exif:ISOSpeedRatings` and `exifEX:PhotographicSensitivity`); only positive values are written.
    ///
    /// ```swift
    /// content.iso = 200
    /// ```
    public var iso: Int?
    /// Where the photo was taken (`exif:GPSLatitude`/`GPSLongitude` as `"DD,MM.mmmmmmN"`,
    /// `exif:GPSAltitude` and `GPSAltitudeRef`). Left out unless the coordinates are finite and in range.
    ///
    /// ```swift
    /// content.location = GPSLocation(latitude: -39.06, longitude: -94.29, altitude: -12.5)
    /// ```
    public var location: GPSLocation?
    /// Rating (`xmp:Rating`), −1 (rejected) to 5; other values are left out.
    ///
    /// ```swift
    /// content.rating = 5
    /// ```
    public var rating: Int?
    /// Description or caption (`dc:description`, the `x-default` language).
    ///
    /// ```swift
    /// content.description = "Lisboa à noite"
    /// ```
    public var description: String?
    /// Hierarchical tags, levels separated by `/` (`"travel/portugal/lisbon"`): written as
    /// `dc:subject` (the leaf names, de-duplicated) and `lr:hierarchicalSubject`
    /// (`"travel|portugal|lisbon"`). Empty levels are dropped, and so is `|` inside a level
    /// (it is Lightroom's separator).
    ///
    /// ```swift
    /// content.tags = ["travel/portugal/lisbon", "people/Ana"]
    /// ```
    public var tags: [String]
    /// Whether the asset is a favourite (`mediakit:Favorite`, `True` or `False`).
    ///
    /// ```swift
    /// content.isFavorite = true
    /// ```
    public var isFavorite: Bool?
    /// Displayed width in pixels, after orientation (`exif:PixelXDimension`).
    ///
    /// ```swift
    /// content.width = 3024
    /// ```
    public var width: Int?
    /// Displayed height in pixels, after orientation (`exif:PixelYDimension`).
    ///
    /// ```swift
    /// content.height = 4032
    /// ```
    public var height: Int?
    /// Further properties in the MediaKit namespace (``XMPWriter/mediaKitNamespace``), written
    /// as `mediakit:Name` in name order. A name must be an XML NCName made of ASCII letters,
    /// digits, `_`, `-` and `.`, starting with a letter or `_`; other names are skipped.
    /// `Favorite` is skipped when ``isFavorite`` is set.
    ///
    /// ```swift
    /// content.extra = ["AssetID": id.description, "SHA256": hash.sha256, "OriginalFilename": "IMG_0001.JPG"]
    /// ```
    public var extra: [String: String]

    /// Creates sidecar content; every property defaults to absent.
    ///
    /// ```swift
    /// let content = XMPSidecarContent(rating: 4, description: "Alfama", tags: ["travel/portugal/lisbon"])
    /// ```
    public init(
        capturedAt: CaptureDate? = nil,
        make: String? = nil,
        model: String? = nil,
        lens: String? = nil,
        fNumber: Double? = nil,
        exposureTime: Double? = nil,
        focalLength: Double? = nil,
        iso: Int? = nil,
        location: GPSLocation? = nil,
        rating: Int? = nil,
        description: String? = nil,
        tags: [String] = [],
        isFavorite: Bool? = nil,
        width: Int? = nil,
        height: Int? = nil,
        extra: [String: String] = [:]
    ) {
        self.capturedAt = capturedAt
        self.make = make
        self.model = model
        self.lens = lens
        self.fNumber = fNumber
        self.exposureTime = exposureTime
        self.focalLength = focalLength
        self.iso = iso
        self.location = location
        self.rating = rating
        self.description = description
        self.tags = tags
        self.isFavorite = isFavorite
        self.width = width
        self.height = height
        self.extra = extra
    }

    /// Fills the content from what was read from a file: date, camera, exposure, place,
    /// rating, caption and displayed size. Tags, favourite and `extra` stay empty.
    ///
    /// ```swift
    /// let content = XMPSidecarContent(metadata: try StandardMetadataReader().read(path: "IMG_0001.JPG"))
    /// ```
    public init(metadata: MediaMetadata) {
        self.init(
            capturedAt: metadata.capturedAt,
            make: metadata.make,
            model: metadata.model,
            lens: metadata.lens,
            fNumber: metadata.fNumber,
            exposureTime: metadata.exposureTime,
            focalLength: metadata.focalLength,
            iso: metadata.iso,
            location: metadata.location,
            rating: metadata.rating,
            description: metadata.caption,
            width: metadata.width,
            height: metadata.height
        )
    }
}

/// Writes XMP sidecars: a deterministic packet (same content, same bytes), written atomically.
///
/// ```swift
/// let content = XMPSidecarContent(rating: 5, tags: ["travel/portugal/lisbon"])
/// let bytes = XMPWriter.packet(content)                      // <?xpacket begin=... ?> ... <?xpacket end="w"?>
/// try XMPWriter.write(content, to: "/photos/IMG_0001.JPG.xmp")
/// ```
public enum XMPWriter {
    /// The URI of the MediaKit namespace, whose properties are written with the `mediakit` prefix.
    ///
    /// ```swift
    /// XMPWriter.mediaKitNamespace   // "https://mediakit.dev/ns/1.0/"
    /// ```
    public static let mediaKitNamespace = "https://mediakit.dev/ns/1.0/"

    /// Prefixes and URIs, declared on the one `rdf:Description` in this order.
    static let namespaces: [(prefix: String, uri: String)] = [
        ("exif", "http://ns.adobe.com/exif/1.0/"),
        ("exifEX", "http://cipa.jp/exif/1.0/"),
        ("tiff", "http://ns.adobe.com/tiff/1.0/"),
        ("aux", "http://ns.adobe.com/exif/1.0/aux/"),
        ("xmp", "http://ns.adobe.com/xap/1.0/"),
        ("photoshop", "http://ns.adobe.com/photoshop/1.0/"),
        ("dc", "http://purl.org/dc/elements/1.1/"),
        ("lr", "http://ns.adobe.com/lightroom/1.0/"),
        ("mediakit", mediaKitNamespace),
    ]

    /// The packet as UTF-8 bytes: `<?xpacket begin="BOM" id="W5M0MpCehiHzreSzNTczkc9d"?>`,
    /// `x:xmpmeta`, `rdf:RDF`, one `rdf:Description` declaring every namespace with the
    /// properties as child elements in a fixed order, and `<?xpacket end="w"?>`.
    ///
    /// ```swift
    /// let bytes = XMPWriter.packet(XMPSidecarContent(rating: 3))
    /// String(decoding: bytes, as: UTF8.self).contains("<xmp:Rating>3</xmp:Rating>")   // true
    /// ```
    public static func packet(_ content: XMPSidecarContent) -> [UInt8] {
        var body = ""
        func simple(_ name: String, _ value: String?) {
            guard let value else { return }
            body += "   <\(name)>\(escaped(value))</\(name)>\n"
        }
        func text(_ name: String, _ value: String?) {
            guard let value = value.map(cleaned), !value.isEmpty else { return }
            simple(name, value)
        }
        func list(_ name: String, _ kind: String, _ items: [String], language: Bool = false) {
            guard !items.isEmpty else { return }
            body += "   <\(name)>\n    <rdf:\(kind)>\n"
            for item in items {
                body += "     <rdf:li\(language ? " xml:lang=\"x-default\"" : "")>\(escaped(item))</rdf:li>\n"
            }
            body += "    </rdf:\(kind)>\n   </\(name)>\n"
        }
        func positive(_ v: Double?) -> String? {
            guard let v, v.isFinite, v > 0 else { return nil }
            return rationalText(v)
        }

        // Date.
        if let date = content.capturedAt?.text {
            simple("exif:DateTimeOriginal", date)
            simple("xmp:CreateDate", date)
            simple("photoshop:DateCreated", date)
        }
        // Camera and exposure.
        text("tiff:Make", content.make)
        text("tiff:Model", content.model)
        text("exifEX:LensModel", content.lens)
        text("aux:Lens", content.lens)
        simple("exif:FNumber", positive(content.fNumber))
        simple("exif:ExposureTime", positive(content.exposureTime))
        simple("exif:FocalLength", positive(content.focalLength))
        if let iso = content.iso, iso > 0 {
            list("exif:ISOSpeedRatings", "Seq", [String(iso)])
            simple("exifEX:PhotographicSensitivity", String(iso))
        }
        // Size.
        if let w = content.width, w > 0 { simple("exif:PixelXDimension", String(w)) }
        if let h = content.height, h > 0 { simple("exif:PixelYDimension", String(h)) }
        // Place.
        if let place = content.location, place.latitude.isFinite, place.longitude.isFinite,
           abs(place.latitude) <= 90, abs(place.longitude) <= 180 {
            simple("exif:GPSLatitude", coordinateText(place.latitude, positive: "N", negative: "S"))
            simple("exif:GPSLongitude", coordinateText(place.longitude, positive: "E", negative: "W"))
            if let altitude = place.altitude, altitude.isFinite, let r = rationalText(abs(altitude)) {
                simple("exif:GPSAltitude", r)
                simple("exif:GPSAltitudeRef", altitude < 0 ? "1" : "0")
            }
        }
        // What the user said.
        if let rating = content.rating, (-1...5).contains(rating) { simple("xmp:Rating", String(rating)) }
        if let d = content.description.map(cleaned), !d.isEmpty { list("dc:description", "Alt", [d], language: true) }
        let tags = hierarchies(content.tags)
        list("dc:subject", "Bag", unique(tags.compactMap(\.last)))
        list("lr:hierarchicalSubject", "Bag", tags.map { $0.joined(separator: "|") })
        // MediaKit namespace.
        if let favorite = content.isFavorite { simple("mediakit:Favorite", favorite ? "True" : "False") }
        for name in content.extra.keys.sorted() where isNCName(name) {
            if name == "Favorite", content.isFavorite != nil { continue }
            simple("mediakit:\(name)", content.extra[name].map(cleaned))
        }

        var out = "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        out += "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"MediaKit\">\n"
        out += " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        out += "  <rdf:Description rdf:about=\"\""
        for ns in namespaces { out += "\n    xmlns:\(ns.prefix)=\"\(ns.uri)\"" }
        out += ">\n" + body + "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n"
        return Array(out.utf8)
    }

    /// Writes the packet to `path` atomically: a temporary file in the same directory,
    /// `fsync`, then `rename` over `path` (an existing sidecar is replaced whole or not at all).
    ///
    /// ```swift
    /// try XMPWriter.write(XMPSidecarContent(rating: 5), to: "/photos/IMG_0001.JPG.xmp")
    /// ```
    /// - Throws: `MediaCoreError` with `path` set to `path`: `.notFound` when the directory
    ///   does not exist, `.notAFile` when `path` names a directory, `.unreadable` for any other
    ///   failure to create, write or rename (permissions, a full disk), with the `errno` text.
    public static func write(_ content: XMPSidecarContent, to path: String) throws(MediaCoreError) {
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw MediaCoreError(.notAFile, "a sidecar path must name a file", path: path)
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let bytes = packet(content)

        func failure(_ action: String, _ code: Int32) -> MediaCoreError {
            let kind: MediaCoreError.Code
            switch code {
            case ENOENT, ENOTDIR: kind = .notFound
            case EISDIR: kind = .notAFile
            default: kind = .unreadable
            }
            let reason = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
            return MediaCoreError(kind, "cannot write the XMP sidecar: \(action) failed", path: path, underlying: reason)
        }

        // A hidden temporary file beside the target, so the rename stays on one file system.
        var temp = ""
        var fd: Int32 = -1
        for _ in 0..<8 {
            temp = directory + "." + name + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw failure("creating a temporary file", errno) }

        var written = 0
        var error: MediaCoreError?
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            while written < raw.count {
                let n = posixWrite(fd, base + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    error = failure("writing", errno)
                    return
                }
                written += n
            }
        }
        if error == nil, fsync(fd) != 0 { error = failure("fsync", errno) }
        if close(fd) != 0, error == nil { error = failure("closing", errno) }
        if error == nil, rename(temp, path) != 0 { error = failure("renaming the temporary file", errno) }
        if let error {
            unlink(temp)
            throw error
        }
        // Make the rename itself durable; a failure here does not undo the write.
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            close(dirfd)
        }
    }

    // MARK: - Values

    /// The text with control characters other than tab and newline dropped (and CR LF made LF).
    static func cleaned(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s == "\t" || s == "\n" { scalars.append(s); continue }
            if s.properties.generalCategory == .control || s == "\u{FFFE}" || s == "\u{FFFF}" { continue }
            scalars.append(s)
        }
        return String(scalars)
    }

    /// XML-escaped text (`& < > " '`), after `cleaned`.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in cleaned(text).unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Whether `name` is an NCName of ASCII letters, digits, `_`, `-` and `.`, starting with a letter or `_`.
    static func isNCName(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        func letter(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        guard letter(first) || first == 0x5F else { return false }
        return name.utf8.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D || $0 == 0x2E }
    }

    /// A non-negative number as an XMP rational: `"1/250"` for reciprocals, `"28/10"` for short
    /// decimals, else the closest fraction with a denominator up to 10⁶. Numerator and
    /// denominator fit in 32 bits; nil for negative, non-finite or too large values.
    static func rationalText(_ v: Double) -> String? {
        let limit = Double(UInt32.max)
        guard v.isFinite, v >= 0, v <= limit else { return nil }
        if v == 0 { return "0/1" }
        if v < 1 {
            let r = 1 / v
            let n = r.rounded()
            if n <= limit, abs(r - n) <= r * 1e-9 { return "1/\(Int(n))" }
        }
        var scale = 1.0
        for _ in 0...6 {
            let scaled = v * scale
            let n = scaled.rounded()
            guard n <= limit else { break }
            if n > 0, abs(scaled - n) <= scaled * 1e-9 { return "\(Int(n))/\(Int(scale))" }
            scale *= 10
        }
        // Best rational approximation by continued fractions, denominator ≤ 10⁶.
        var (p0, q0, p1, q1) = (0.0, 1.0, 1.0, 0.0)
        var x = v
        for _ in 0..<64 {
            let a = x.rounded(.down)
            let (p2, q2) = (a * p1 + p0, a * q1 + q0)
            if q2 > 1_000_000 || p2 > limit { break }
            (p0, q0, p1, q1) = (p1, q1, p2, q2)
            let frac = x - a
            if frac < 1e-12 { break }
            x = 1 / frac
        }
        if q1 > 0, p1 > 0 { return "\(Int(p1))/\(Int(q1))" }
        // Below about 1e-6: the nearest reciprocal.
        let n = (1 / v).rounded()
        return n >= 1 && n <= limit ? "1/\(Int(n))" : nil
    }

    /// Signed decimal degrees as XMP's `"DDD,MM.mmmmmmH"` (minutes to 6 decimals, about 2e-8 degree).
    static func coordinateText(_ degrees: Double, positive: String, negative: String) -> String {
        let microMinutes = Int64((abs(degrees) * 60_000_000).rounded())
        let whole = microMinutes / 60_000_000
        let rest = microMinutes % 60_000_000
        let fraction = String(rest % 1_000_000)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return "\(whole),\(rest / 1_000_000).\(padded)\(degrees < 0 && microMinutes > 0 ? negative : positive)"
    }

    /// Each tag's levels: split on `/`, trimmed, empty levels and `|` dropped; duplicates removed, order kept.
    static func hierarchies(_ tags: [String]) -> [[String]] {
        var seen = Set<[String]>()
        var out: [[String]] = []
        for tag in tags {
            let levels = tag.split(separator: "/").map {
                cleaned(String($0)).replacing("|", with: "").trimmedSpacesAndNULs()
            }.filter { !$0.isEmpty }
            guard !levels.isEmpty, seen.insert(levels).inserted else { continue }
            out.append(levels)
        }
        return out
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}

/// POSIX `write(2)` (inside `XMPWriter` the name means `XMPWriter.write`).
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
