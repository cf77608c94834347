#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The XMP properties MediaKit reads.
struct XMPValues {
    var dateTimeOriginal: String?
    var createDate: String?
    var dateCreated: String?
    var rating: Int?
    var description: String?
    var latitude: Double?
    var longitude: Double?
    var altitude: Double?
    var make: String?
    var model: String?
    var lens: String?
    var rawTags: [RawTag] = []
}

/// Reads properties from an XMP packet (RDF/XML), whether written as attributes
/// (`xmp:Rating="5"`) or elements (`<xmp:Rating>5</xmp:Rating>`, `rdf:Alt` lists).
///
/// A scan over the bytes, not a full XML parser: it reads the standard prefixes that
/// every common writer uses (exiftool, Adobe, digiKam, darktable, cameras).
enum XMPParser {
    /// Namespace URIs and the prefixes their properties are known by here.
    static let namespaces: [String: String] = [
        "exif": "http://ns.adobe.com/exif/1.0/",
        "xmp": "http://ns.adobe.com/xap/1.0/",
        "photoshop": "http://ns.adobe.com/photoshop/1.0/",
        "dc": "http://purl.org/dc/elements/1.1/",
        "tiff": "http://ns.adobe.com/tiff/1.0/",
        "exifEX": "http://cipa.jp/exif/1.0/",
        "aux": "http://ns.adobe.com/exif/1.0/aux/",
        "lr": "http://ns.adobe.com/lightroom/1.0/",
    ]

    static let properties = [
        "exif:DateTimeOriginal", "xmp:CreateDate", "photoshop:DateCreated", "xmp:Rating", "dc:description",
        "exif:GPSLatitude", "exif:GPSLongitude", "exif:GPSAltitude", "exif:GPSAltitudeRef",
        "tiff:Make", "tiff:Model", "exifEX:LensModel", "aux:Lens",
    ]

    static func parse(_ packet: [UInt8]) -> XMPValues {
        var v = XMPValues()
        var found: [String: String] = [:]
        let prefixes = declaredPrefixes(in: packet)
        for name in properties {
            let parts = name.split(separator: ":")
            let canonical = String(parts[0]), local = String(parts[1])
            var candidates = [canonical]
            if let uri = namespaces[canonical] {
                candidates += (prefixes[uri] ?? []).filter { $0 != canonical }
            }
            for prefix in candidates {
                if let value = value(of: prefix + ":" + local, in: packet) {
                    found[name] = value
                    v.rawTags.append(RawTag(group: "XMP", name: name, value: value))
                    break
                }
            }
        }
        v.dateTimeOriginal = found["exif:DateTimeOriginal"]
        v.createDate = found["xmp:CreateDate"]
        v.dateCreated = found["photoshop:DateCreated"]
        if let r = found["xmp:Rating"], let d = Double(r), d >= -1, d <= 5 { v.rating = Int(d.rounded()) }
        v.description = found["dc:description"].flatMap { $0.isEmpty ? nil : $0 }
        v.latitude = found["exif:GPSLatitude"].flatMap(coordinate)
        v.longitude = found["exif:GPSLongitude"].flatMap(coordinate)
        if let alt = found["exif:GPSAltitude"].flatMap(rational) {
            v.altitude = found["exif:GPSAltitudeRef"] == "1" ? -alt : alt
        }
        v.make = found["tiff:Make"]
        v.model = found["tiff:Model"]
        v.lens = found["exifEX:LensModel"] ?? found["aux:Lens"]
        return v
    }

    /// `xmlns:PREFIX="URI"` declarations: URI → prefixes (old files use `xap:` for `xmp:`).
    static func declaredPrefixes(in packet: [UInt8]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        let marker = Array("xmlns:".utf8)
        var i = 0
        while let hit = find(marker, in: packet, from: i) {
            var j = hit + marker.count
            let start = j
            while j < packet.count, packet[j] != 0x3D, packet[j] != 0x20, j - start < 64 { j += 1 }
            let prefix = String(decoding: packet[start..<j], as: UTF8.self)
            while j < packet.count, packet[j] == 0x3D || packet[j] == 0x20 { j += 1 }
            i = j
            guard j < packet.count, packet[j] == 0x22 || packet[j] == 0x27,
                  let end = find([packet[j]], in: packet, from: j + 1), end - j < 512 else { continue }
            let uri = String(decoding: packet[(j + 1)..<end], as: UTF8.self)
            out[uri, default: []].append(prefix)
            i = end
        }
        return out
    }

    /// XMP's `DDD,MM.mmk` / `DDD,MM,SSk` coordinates → signed decimal degrees.
    static func coordinate(_ text: String) -> Double? {
        var t = text.trimmedSpacesAndNULs().uppercased()
        guard let last = t.last else { return nil }
        var sign = 1.0
        if "NSEW".contains(last) {
            if last == "S" || last == "W" { sign = -1 }
            t.removeLast()
        }
        let parts = t.split(separator: ",").compactMap { Double($0) }
        guard let d = parts.first else { return nil }
        let m = parts.count > 1 ? parts[1] : 0
        let s = parts.count > 2 ? parts[2] : 0
        return sign * (d + m / 60 + s / 3600)
    }

    /// `"123/10"` or `"12.3"` → 12.3.
    static func rational(_ text: String) -> Double? {
        let parts = text.split(separator: "/")
        if parts.count == 2, let n = Double(parts[0]), let d = Double(parts[1]), d != 0 { return n / d }
        return Double(text)
    }

    /// The value of a property written as an attribute or as an element (first `rdf:li` of a list).
    static func value(of name: String, in packet: [UInt8]) -> String? {
        let n = Array(name.utf8)
        var i = 0
        while let hit = find(n, in: packet, from: i) {
            i = hit + n.count
            guard hit > 0, i < packet.count else { continue }
            let before = packet[hit - 1]
            var j = i
            if before == 0x3C {  // <name ...>content</name>
                guard packet[j] == 0x3E || packet[j] == 0x20 || packet[j] == 0x0A || packet[j] == 0x0D || packet[j] == 0x09 || packet[j] == 0x2F else { continue }
                guard let close = find([0x3E], in: packet, from: j) else { return nil }
                if packet[close - 1] == 0x2F {  // <name rdf:resource=... />
                    continue
                }
                let end = find(Array("</".utf8) + n, in: packet, from: close) ?? packet.count
                var content = Array(packet[(close + 1)..<end])
                if let li = find(Array("<rdf:li".utf8), in: content, from: 0),
                   let liClose = find([0x3E], in: content, from: li),
                   let liEnd = find(Array("</rdf:li>".utf8), in: content, from: liClose) {
                    content = Array(content[(liClose + 1)..<liEnd])
                }
                if find([0x3C], in: content, from: 0) != nil { continue }  // nested structure
                return unescape(content)
            } else if before == 0x20 || before == 0x0A || before == 0x0D || before == 0x09 {  // name="value"
                while j < packet.count, packet[j] == 0x20 { j += 1 }
                guard j + 1 < packet.count, packet[j] == 0x3D else { continue }
                j += 1
                while j < packet.count, packet[j] == 0x20 { j += 1 }
                guard j < packet.count, packet[j] == 0x22 || packet[j] == 0x27 else { continue }
                let quote = packet[j]
                guard let end = find([quote], in: packet, from: j + 1) else { return nil }
                return unescape(Array(packet[(j + 1)..<end]))
            }
        }
        return nil
    }

    /// Every item of a list property written as an element (`<dc:subject><rdf:Bag><rdf:li>`...),
    /// in order, under the canonical prefix or one declared for the same namespace; a property
    /// with a single value gives that value (`dc:subject`, `lr:hierarchicalSubject`).
    static func items(of name: String, in packet: [UInt8]) -> [String] {
        let parts = name.split(separator: ":")
        guard parts.count == 2 else { return [] }
        let canonical = String(parts[0]), local = String(parts[1])
        var candidates = [canonical]
        if let uri = namespaces[canonical] {
            candidates += (declaredPrefixes(in: packet)[uri] ?? []).filter { $0 != canonical }
        }
        for prefix in candidates {
            let n = Array((prefix + ":" + local).utf8)
            var i = 0
            while let hit = find([0x3C] + n, in: packet, from: i) {
                i = hit + n.count + 1
                guard i < packet.count, [0x3E, 0x20, 0x0A, 0x0D, 0x09].contains(packet[i]),
                      let close = find([0x3E], in: packet, from: i), packet[close - 1] != 0x2F else { continue }
                let end = find(Array("</".utf8) + n, in: packet, from: close) ?? packet.count
                let content = Array(packet[(close + 1)..<end])
                var out: [String] = []
                var j = 0
                while let li = find(Array("<rdf:li".utf8), in: content, from: j),
                      let liClose = find([0x3E], in: content, from: li),
                      let liEnd = find(Array("</rdf:li>".utf8), in: content, from: liClose) {
                    out.append(unescape(Array(content[(liClose + 1)..<liEnd])))
                    j = liEnd
                }
                if !out.isEmpty { return out }
            }
            if let single = value(of: prefix + ":" + local, in: packet) { return [single] }
        }
        return []
    }

    /// The first index of `needle` in `hay` at or after `start` (memchr for the first byte).
    static func find(_ needle: [UInt8], in hay: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, hay.count >= needle.count, start <= hay.count - needle.count else { return nil }
        let first = Int32(needle[0])
        return hay.withUnsafeBufferPointer { h -> Int? in
            needle.withUnsafeBufferPointer { n -> Int? in
                guard let base = h.baseAddress, let nb = n.baseAddress else { return nil }
                var i = start
                let last = h.count - n.count
                while i <= last {
                    guard let hit = memchr(base + i, first, last - i + 1) else { return nil }
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + at, nb, n.count) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
    }

    private static func unescape(_ bytes: [UInt8]) -> String {
        var s = String(decoding: bytes, as: UTF8.self).trimmedSpacesAndNULs()
        guard s.contains("&") else { return s }
        for (entity, char) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&#xA;", "\n"), ("&#10;", "\n")] {
            s = s.replacing(entity, with: char)
        }
        return s.replacing("&amp;", with: "&")
    }
}

/// Finds and reads XMP sidecars beside a file: `name.ext.xmp` (digiKam, darktable), then `name.xmp` (Lightroom).
enum XMPSidecar {
    static func candidates(for path: String) -> [String] {
        var out = [path + ".xmp", path + ".XMP"]
        if let slash = path.lastIndex(of: "/") ?? Optional(path.startIndex),
           let dot = path[slash...].lastIndex(of: "."), dot > path.startIndex {
            let stem = String(path[..<dot])
            out += [stem + ".xmp", stem + ".XMP"]
        }
        return out
    }

    /// The bytes of each sidecar that exists, most specific first (at most 4 MiB each).
    static func find(for path: String) -> [[UInt8]] {
        var seen = Set<String>()
        var packets: [[UInt8]] = []
        for candidate in candidates(for: path) where !seen.contains(candidate) {
            seen.insert(candidate)
            guard let source = try? FileByteSource(path: candidate), source.size <= 4 << 20,
                  let bytes = try? source.read(at: 0, count: Int(source.size)) else { continue }
            packets.append(bytes)
        }
        return packets
    }
}
