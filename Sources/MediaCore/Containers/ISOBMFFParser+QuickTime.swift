/// QuickTime / MP4 movie boxes (`moov`) and Canon CR3 metadata, for `ISOBMFFParser`.
extension ISOBMFFParser {
    /// Seconds between the QuickTime epoch (1904-01-01) and the Unix epoch.
    static let quickTimeEpochOffset: UInt64 = 2_082_844_800

    /// What one `trak` says.
    struct Track {
        var handler = ""
        var width: Double = 0
        var height: Double = 0
        var rotation: Int?
        var sampleWidth = 0
        var sampleHeight = 0
    }

    static func readMovie(_ moov: Box, _ session: Session, depth: Int) throws(MediaCoreError) {
        var tracks: [Track] = []
        for child in try session.children(of: moov, depth: depth) {
            switch child.type {
            case "mvhd":
                try readMovieHeader(child, session)
            case "trak":
                tracks.append(try readTrack(child, session, depth: depth + 1))
            case "udta":
                try readUserData(child, session, depth: depth + 1)
            case "meta":
                try readItemList(child, session, depth: depth + 1)
            case "uuid":
                if child.uuid == canonUUID {
                    try readCanon(child, session, depth: depth + 1)
                } else if child.uuid == xmpUUID, let data = try session.payload(child), !data.isEmpty {
                    session.scan.xmp.append(trimmedXMP(data))
                }
            default:
                break
            }
        }
        guard let video = tracks.first(where: { $0.handler == "vide" }) else { return }
        var w = Int(video.width.rounded()), h = Int(video.height.rounded())
        if w <= 0 || h <= 0 {
            w = video.sampleWidth
            h = video.sampleHeight
        }
        if session.scan.pixelWidth == nil, w > 0, h > 0 {
            session.scan.pixelWidth = w
            session.scan.pixelHeight = h
            session.rawTag("ImageWidth", String(w))
            session.rawTag("ImageHeight", String(h))
        }
        // A CR3 is a still image whose orientation is in its EXIF; HEIF sequences keep `irot`.
        if session.scan.format != .cr3, session.scan.rotation == nil, let rotation = video.rotation {
            session.scan.rotation = rotation
            session.rawTag("Rotation", String(rotation))
        }
    }

    /// `mvhd`: creation time and duration.
    static func readMovieHeader(_ box: Box, _ session: Session) throws(MediaCoreError) {
        guard let p = try session.payload(box, limit: 4096) else { return }
        let r = BinaryReader(p, bigEndian: true)
        let created: UInt64?, timescale: UInt32?, duration: UInt64?
        if p.first == 1 {
            created = r.u64(4)
            timescale = r.u32(20)
            duration = r.u64(24)
        } else {
            created = r.u32(4).map(UInt64.init)
            timescale = r.u32(12)
            duration = r.u32(16).map(UInt64.init)
        }
        guard let created, let timescale, let duration else {
            session.warn("box 'mvhd' is truncated")
            return
        }
        // Like exiftool: a time before 1970 in the 1904 epoch was written with the Unix epoch.
        var unixTime = created
        if created >= quickTimeEpochOffset {
            unixTime = created - quickTimeEpochOffset
        } else if created > 0 {
            session.warn("the movie creation time uses the Unix epoch instead of 1904")
        }
        if unixTime > 0, unixTime < 253_402_300_800 {
            let seconds = Double(unixTime)
            session.scan.quickTime.createDate = seconds
            session.rawTag("CreateDate", exifDateText(LocalDateTime(secondsSinceEpoch: seconds, offsetSeconds: 0)))
        }
        if timescale > 0 {
            // All ones means "unknown" in fragmented files.
            let unknown = p.first == 1 ? duration == UInt64.max : duration == UInt64(UInt32.max)
            if !unknown {
                let seconds = Double(duration) / Double(timescale)
                session.scan.duration = seconds
                session.scan.durationSource = "QuickTime:Duration"
                session.rawTag("TimeScale", String(timescale))
                session.rawTag("Duration", String(seconds))
            }
        }
    }

    static func readTrack(_ trak: Box, _ session: Session, depth: Int) throws(MediaCoreError) -> Track {
        var track = Track()
        for child in try session.children(of: trak, depth: depth) {
            switch child.type {
            case "tkhd":
                guard let p = try session.payload(child, limit: 4096) else { break }
                let matrixAt = p.first == 1 ? 52 : 40
                let r = BinaryReader(p, bigEndian: true)
                guard let a = r.u32(matrixAt), let b = r.u32(matrixAt + 4),
                      let w = r.u32(matrixAt + 36), let h = r.u32(matrixAt + 40) else {
                    session.warn("box 'tkhd' is truncated")
                    break
                }
                track.width = Double(w) / 65536
                track.height = Double(h) / 65536
                track.rotation = rotation(a: Int32(bitPattern: a), b: Int32(bitPattern: b))
            case "mdia":
                for sub in try session.children(of: child, depth: depth + 1) {
                    if sub.type == "hdlr", let p = try session.payload(sub, limit: 4096), p.count >= 12 {
                        track.handler = typeName(p[8..<12])
                    } else if sub.type == "minf" {
                        try readSampleSize(sub, session, depth: depth + 2, into: &track)
                    }
                }
            default:
                break
            }
        }
        return track
    }

    /// The size in the first visual sample entry (`minf/stbl/stsd`), used when `tkhd` has none.
    static func readSampleSize(_ minf: Box, _ session: Session, depth: Int, into track: inout Track) throws(MediaCoreError) {
        guard let stbl = try session.children(of: minf, depth: depth).first(where: { $0.type == "stbl" }),
              let stsd = try session.children(of: stbl, depth: depth + 1).first(where: { $0.type == "stsd" }) else { return }
        let head = try session.source.read(at: stsd.payloadStart, count: 8 + 36)
        let r = BinaryReader(head, bigEndian: true)
        // version/flags, entry count, then the entry: size, format, 6 reserved, data ref index,
        // version, revision, vendor, temporal and spatial quality, width, height.
        if let w = r.u16(8 + 32), let h = r.u16(8 + 34) {
            track.sampleWidth = Int(w)
            track.sampleHeight = Int(h)
        }
    }

    /// Clockwise display rotation from the first row of a track matrix (a, b in 16.16).
    static func rotation(a: Int32, b: Int32) -> Int? {
        if a == 0 && b == 0 { return nil }
        if b == 0 { return a > 0 ? 0 : 180 }
        if a == 0 { return b > 0 ? 90 : 270 }
        var degrees = atan2Degrees(Double(b), Double(a))
        if degrees < 0 { degrees += 360 }
        let quarter = Int((degrees / 90).rounded()) % 4
        return quarter * 90
    }

    private static func atan2Degrees(_ y: Double, _ x: Double) -> Double {
        // Only the nearest quarter turn is wanted: compare the components.
        if abs(x) >= abs(y) { return x >= 0 ? 0 : 180 }
        return y >= 0 ? 90 : 270
    }

    // MARK: - udta

    static func readUserData(_ udta: Box, _ session: Session, depth: Int) throws(MediaCoreError) {
        for child in try session.children(of: udta, depth: depth) {
            switch child.type {
            case "\u{A9}xyz":
                if let text = try userDataText(child, session) {
                    setLocation(text, session)
                }
            case "\u{A9}mak":
                if let text = try userDataText(child, session), !text.isEmpty {
                    if session.scan.quickTime.make == nil { session.scan.quickTime.make = text }
                    session.rawTag("Make", text)
                }
            case "\u{A9}mod":
                if let text = try userDataText(child, session), !text.isEmpty {
                    if session.scan.quickTime.model == nil { session.scan.quickTime.model = text }
                    session.rawTag("Model", text)
                }
            case "XMP_":
                if let data = try session.payload(child), !data.isEmpty {
                    session.scan.xmp.append(trimmedXMP(data))
                }
            case "meta":
                try readItemList(child, session, depth: depth + 1)
            default:
                break
            }
        }
    }

    /// A QuickTime international text atom (16-bit length, 16-bit language, text), or plain text.
    static func userDataText(_ box: Box, _ session: Session) throws(MediaCoreError) -> String? {
        guard let p = try session.payload(box, limit: 64 * 1024), !p.isEmpty else { return nil }
        let r = BinaryReader(p, bigEndian: true)
        var bytes = p[...]
        if p[0] == 0x2B || p[0] == 0x2D {
            // Plain text without the length and language header.
        } else if let length = r.u16(0), p.count >= 4 {
            if Int(length) <= p.count - 4 {
                bytes = p[4..<(4 + Int(length))]
            } else {
                session.warn("atom '\(box.type)' is truncated")
                bytes = p[4...]
            }
        }
        return String(decoding: bytes, as: UTF8.self).trimmedSpacesAndNULs()
    }

    static func setLocation(_ text: String, _ session: Session) {
        guard let location = parseISO6709(text) else {
            session.warn("the location '\(text.prefix(40))' is not in ISO 6709 form")
            return
        }
        if session.scan.quickTime.location == nil { session.scan.quickTime.location = location }
        var value = "\(location.latitude) \(location.longitude)"
        if let altitude = location.altitude { value += " \(altitude)" }
        session.rawTag("GPSCoordinates", value)
    }

    // MARK: - meta / keys / ilst

    /// A `meta` box holding an item list: Apple `mdta` (`keys` + indexed `ilst`) or
    /// iTunes-style (`ilst` items named by their box type).
    static func readItemList(_ meta: Box, _ session: Session, depth: Int) throws(MediaCoreError) {
        let skip = try metaChildrenSkip(meta, session)
        let children = try session.children(of: meta, depth: depth, skip: skip)
        var keys: [String] = []
        var hasKeys = false
        for child in children where child.type == "keys" {
            guard let p = try session.payload(child) else { continue }
            hasKeys = true
            var c = Cursor(p)
            guard c.skip(4), let count = c.u32() else {
                session.warn("box 'keys' is truncated")
                continue
            }
            for _ in 0..<min(count, 4096) {
                guard let size = c.u32(), size >= 8, let _ = c.u32(),
                      let bytes = c.reader.slice(c.position, Int(size) - 8) else {
                    session.warn("box 'keys' is truncated")
                    break
                }
                _ = c.skip(Int(size) - 8)
                keys.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        for child in children where child.type == "ilst" {
            for item in try session.children(of: child, depth: depth + 1) {
                let key: String
                if hasKeys {
                    let index = Int(item.code)
                    guard index >= 1, index <= keys.count else { continue }
                    key = keys[index - 1]
                } else {
                    key = item.type
                }
                guard interestingKeys.contains(key) || key.hasPrefix("com.apple.quicktime.") else { continue }
                guard let value = try itemValue(item, session, depth: depth + 2) else { continue }
                applyItem(key: key, value: value, session)
            }
        }
    }

    static let interestingKeys: Set<String> = ["\u{A9}xyz", "\u{A9}mak", "\u{A9}mod", "\u{A9}day"]

    /// The first `data` box of an `ilst` item, as text (strings and numbers).
    static func itemValue(_ item: Box, _ session: Session, depth: Int) throws(MediaCoreError) -> String? {
        for data in try session.children(of: item, depth: depth) where data.type == "data" {
            guard let p = try session.payload(data, limit: 1024 * 1024), p.count >= 8 else {
                session.warn("box 'data' is truncated")
                return nil
            }
            let r = BinaryReader(p, bigEndian: true)
            let type = (r.u32(0) ?? 0) & 0xFFFFFF
            let value = Array(p[8...])
            switch type {
            case 1:
                return String(decoding: value, as: UTF8.self).trimmedSpacesAndNULs()
            case 2:
                var units: [UInt16] = []
                var i = 0
                while i + 1 < value.count {
                    units.append(UInt16(value[i]) << 8 | UInt16(value[i + 1]))
                    i += 2
                }
                return String(decoding: units, as: UTF16.self).trimmedSpacesAndNULs()
            case 21, 22:
                let vr = BinaryReader(value, bigEndian: true)
                switch value.count {
                case 1: return type == 21 ? String(Int8(bitPattern: value[0])) : String(value[0])
                case 2: return vr.u16(0).map { type == 21 ? String(Int16(bitPattern: $0)) : String($0) }
                case 4: return vr.u32(0).map { type == 21 ? String(Int32(bitPattern: $0)) : String($0) }
                case 8: return vr.u64(0).map { type == 21 ? String(Int64(bitPattern: $0)) : String($0) }
                default: return nil
                }
            case 23:
                return BinaryReader(value, bigEndian: true).u32(0).map { String(Float(bitPattern: $0)) }
            case 24:
                return BinaryReader(value, bigEndian: true).u64(0).map { String(Double(bitPattern: $0)) }
            default:
                return nil
            }
        }
        return nil
    }

    static func applyItem(key: String, value: String, _ session: Session) {
        guard !value.isEmpty else { return }
        switch key {
        case "com.apple.quicktime.creationdate":
            session.rawTag("CreationDate", value)
            if let date = parseISO8601(value) {
                session.scan.quickTime.creationDate = date
            } else {
                session.warn("the creation date '\(value.prefix(40))' cannot be read")
            }
        case "com.apple.quicktime.make", "\u{A9}mak":
            session.scan.quickTime.make = value
            session.rawTag("Make", value)
        case "com.apple.quicktime.model", "\u{A9}mod":
            session.scan.quickTime.model = value
            session.rawTag("Model", value)
        case "com.apple.quicktime.location.ISO6709", "\u{A9}xyz":
            setLocation(value, session)
        case "com.apple.quicktime.software":
            session.rawTag("Software", value)
        case "\u{A9}day":
            session.rawTag("ContentCreateDate", value)
        default:
            let name = key.hasPrefix("com.apple.quicktime.") ? String(key.dropFirst("com.apple.quicktime.".count)) : key
            session.rawTag(name, String(value.prefix(256)))
        }
    }

    // MARK: - Text formats

    /// ISO 6709 (`+48.8584+002.2945+035.000/`), in decimal degrees or DDMM / DDMMSS forms.
    static func parseISO6709(_ text: String) -> GPSLocation? {
        var parts: [String] = []
        var current = ""
        for ch in text {
            if ch == "+" || ch == "-" {
                if !current.isEmpty { parts.append(current) }
                current = String(ch)
            } else if ch.isASCII && (ch.isNumber || ch == ".") {
                guard !current.isEmpty else { return nil }
                current.append(ch)
            } else {
                break  // "/" or "CRS..." ends the coordinates
            }
        }
        if !current.isEmpty { parts.append(current) }
        guard parts.count >= 2,
              let lat = iso6709Component(parts[0], degreeDigits: 2),
              let lon = iso6709Component(parts[1], degreeDigits: 3),
              abs(lat) <= 90, abs(lon) <= 180 else { return nil }
        var altitude: Double?
        if parts.count >= 3, let alt = Double(parts[2]), alt.isFinite { altitude = alt }
        return GPSLocation(latitude: lat, longitude: lon, altitude: altitude)
    }

    private static func iso6709Component(_ part: String, degreeDigits: Int) -> Double? {
        guard let sign = part.first, part.count >= 2 else { return nil }
        let body = part.dropFirst()
        let intDigits = body.prefix { $0 != "." }.count
        guard intDigits > 0, let value = Double(body), value.isFinite else { return nil }
        var degrees: Double
        switch intDigits - degreeDigits {
        case 0:
            degrees = value
        case 2:
            let d = (value / 100).rounded(.towardZero)
            degrees = d + (value - d * 100) / 60
        case 4:
            let d = (value / 10_000).rounded(.towardZero)
            let rest = value - d * 10_000
            let m = (rest / 100).rounded(.towardZero)
            degrees = d + m / 60 + (rest - m * 100) / 3600
        default:
            if intDigits < degreeDigits { degrees = value } else { return nil }
        }
        if sign == "-" { degrees = -degrees }
        return degrees
    }

    /// ISO 8601 date-time as Apple writes it (`2019-07-24T11:25:40+0300`), with optional
    /// fractional seconds and `Z`, `±HH`, `±HHMM` or `±HH:MM` offsets.
    static func parseISO8601(_ text: String) -> (local: LocalDateTime, offsetSeconds: Int?)? {
        let s = Array(text.trimmedSpacesAndNULs().utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= s.count else { return nil }
            var v = 0
            for k in 0..<width {
                let c = s[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += width
            return v
        }
        func separator(_ allowed: [UInt8]) -> Bool {
            guard i < s.count, allowed.contains(s[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), separator([45, 58]), let month = number(2), separator([45, 58]),
              let day = number(2), separator([84, 32]), let hour = number(2), separator([58]),
              let minute = number(2) else { return nil }
        var second = 0
        if separator([58]) {
            guard let sec = number(2) else { return nil }
            second = sec
        }
        var millisecond: Int?
        if i < s.count, s[i] == 46 || s[i] == 44 {
            i += 1
            var digits = 0, value = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                if digits < 3 { value = value * 10 + Int(s[i] - 48); digits += 1 }
                i += 1
            }
            guard digits > 0 else { return nil }
            while digits < 3 { value *= 10; digits += 1 }
            millisecond = value
        }
        var offset: Int?
        if i < s.count {
            if s[i] == 90 || s[i] == 122 {  // Z
                offset = 0
                i += 1
            } else if s[i] == 43 || s[i] == 45 {
                let negative = s[i] == 45
                i += 1
                guard let h = number(2) else { return nil }
                var m = 0
                if i < s.count {
                    _ = separator([58])
                    guard let mm = number(2) else { return nil }
                    m = mm
                }
                guard h <= 18, m < 60 else { return nil }
                offset = (negative ? -1 : 1) * (h * 3600 + m * 60)
            }
        }
        guard let local = LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute,
                                        second: second, millisecond: millisecond) else { return nil }
        return (local, offset)
    }

    /// `YYYY:MM:DD HH:MM:SS`, the way exiftool prints dates.
    static func exifDateText(_ d: LocalDateTime) -> String {
        let t = d.text  // YYYY-MM-DDTHH:MM:SS[.fff]
        var chars = Array(t.prefix(19))
        if chars.count == 19 {
            chars[4] = ":"
            chars[7] = ":"
            chars[10] = " "
        }
        return String(chars)
    }

    // MARK: - CR3

    /// Canon's `uuid` box: CMT1 (IFD0), CMT2 (Exif IFD), CMT3 (maker note), CMT4 (GPS IFD),
    /// each a TIFF structure. They are merged into one TIFF that an EXIF decoder reads as a
    /// JPEG's APP1 payload.
    static func readCanon(_ box: Box, _ session: Session, depth: Int) throws(MediaCoreError) {
        var cmt: [String: [UInt8]] = [:]
        for child in try session.children(of: box, depth: depth) where child.type.hasPrefix("CMT") {
            if let data = try session.payload(child, limit: 4 * 1024 * 1024) {
                cmt[child.type] = data
            }
        }
        guard !cmt.isEmpty else {
            session.warn("the Canon metadata box holds no CMT boxes")
            return
        }
        var warnings: [String] = []
        if let merged = CR3TIFFMerger.merge(ifd0: cmt["CMT1"], exif: cmt["CMT2"], gps: cmt["CMT4"], warnings: &warnings) {
            session.scan.exif.append(merged.tiff)
            if session.scan.pixelWidth == nil, let w = merged.width, let h = merged.height {
                session.scan.pixelWidth = w
                session.scan.pixelHeight = h
            }
        } else if let ifd0 = cmt["CMT1"], isTIFFHeader(ifd0, 0) {
            session.scan.exif.append(ifd0)
        }
        for w in warnings { session.warn("CR3: " + w) }
    }
}

/// Builds one classic TIFF from CR3's separate IFD0, Exif and GPS TIFF structures, each of
/// which stores its tags in its own IFD0.
enum CR3TIFFMerger {
    struct Entry {
        var tag: UInt16
        var type: UInt16
        var count: UInt32
        /// Value bytes in the output byte order.
        var value: [UInt8]
    }

    static let exifPointer: UInt16 = 0x8769
    static let gpsPointer: UInt16 = 0x8825
    /// Pointers and offset-based data that cannot be copied as they are.
    static let dropped: Set<UInt16> = [0x8769, 0x8825, 0xA005, 0x014A, 0x927C, 0x0111, 0x0201]

    /// The merged TIFF and the image size found in it (IFD0 ImageWidth/Length, else the Exif
    /// PixelX/YDimension).
    static func merge(ifd0 cmt1: [UInt8]?, exif cmt2: [UInt8]?, gps cmt4: [UInt8]?,
                      warnings: inout [String]) -> (tiff: [UInt8], width: Int?, height: Int?)? {
        let bigEndian: Bool
        if let b = [cmt1, cmt2, cmt4].compactMap({ $0 }).first(where: { ISOBMFFParser.isTIFFHeader($0, 0) }) {
            bigEndian = b[0] == 0x4D
        } else {
            warnings.append("no CMT box holds a TIFF structure")
            return nil
        }
        var ifd0 = cmt1.flatMap { readIFD0($0, "CMT1", bigEndian: bigEndian, &warnings) } ?? []
        let exif = cmt2.flatMap { readIFD0($0, "CMT2", bigEndian: bigEndian, &warnings) } ?? []
        let gps = cmt4.flatMap { readIFD0($0, "CMT4", bigEndian: bigEndian, &warnings) } ?? []
        guard !(ifd0.isEmpty && exif.isEmpty && gps.isEmpty) else { return nil }

        func integer(_ entries: [Entry], _ tag: UInt16) -> Int? {
            guard let e = entries.first(where: { $0.tag == tag }) else { return nil }
            let r = BinaryReader(e.value, bigEndian: bigEndian)
            switch e.type {
            case 3: return r.u16(0).map(Int.init)
            case 4: return r.u32(0).map(Int.init)
            default: return nil
            }
        }
        var width = integer(ifd0, 0x0100), height = integer(ifd0, 0x0101)
        if width == nil || height == nil {
            width = integer(exif, 0xA002)
            height = integer(exif, 0xA003)
        }

        let placeholder = [UInt8](repeating: 0, count: 4)
        if !exif.isEmpty { ifd0.append(Entry(tag: exifPointer, type: 4, count: 1, value: placeholder)) }
        if !gps.isEmpty { ifd0.append(Entry(tag: gpsPointer, type: 4, count: 1, value: placeholder)) }
        ifd0.sort { $0.tag < $1.tag }

        let ifds = [ifd0, exif, gps]
        func blockSize(_ entries: [Entry]) -> Int {
            guard !entries.isEmpty else { return 0 }
            var size = 2 + 12 * entries.count + 4
            for e in entries where e.value.count > 4 { size += e.value.count + (e.value.count & 1) }
            return size
        }
        var offsets: [Int] = []
        var cursor = 8
        for ifd in ifds {
            offsets.append(cursor)
            cursor += blockSize(ifd)
        }
        guard cursor <= Int(UInt32.max) else { return nil }

        var out: [UInt8] = bigEndian ? [0x4D, 0x4D, 0x00, 0x2A] : [0x49, 0x49, 0x2A, 0x00]
        out += bytes(UInt32(8), bigEndian)
        for (index, ifd) in ifds.enumerated() where !ifd.isEmpty {
            let tableEnd = offsets[index] + 2 + 12 * ifd.count + 4
            var data: [UInt8] = []
            out += bytes(UInt16(ifd.count), bigEndian)
            for e in ifd {
                out += bytes(e.tag, bigEndian) + bytes(e.type, bigEndian) + bytes(e.count, bigEndian)
                if index == 0 && e.tag == exifPointer {
                    out += bytes(UInt32(offsets[1]), bigEndian)
                } else if index == 0 && e.tag == gpsPointer {
                    out += bytes(UInt32(offsets[2]), bigEndian)
                } else if e.value.count <= 4 {
                    out += e.value + [UInt8](repeating: 0, count: 4 - e.value.count)
                } else {
                    out += bytes(UInt32(tableEnd + data.count), bigEndian)
                    data += e.value
                    if data.count & 1 == 1 { data.append(0) }
                }
            }
            out += bytes(UInt32(0), bigEndian)
            out += data
        }
        return (out, width, height)
    }

    /// The entries of a TIFF structure's first IFD, values converted to `bigEndian` order.
    static func readIFD0(_ tiff: [UInt8], _ name: String, bigEndian: Bool, _ warnings: inout [String]) -> [Entry]? {
        guard ISOBMFFParser.isTIFFHeader(tiff, 0) else {
            warnings.append("\(name) is not a TIFF structure")
            return nil
        }
        let sourceBE = tiff[0] == 0x4D
        let r = BinaryReader(tiff, bigEndian: sourceBE)
        guard let ifdOffset = r.u32(4), let n = r.u16(Int(ifdOffset)), n > 0, n <= 2000 else {
            warnings.append("\(name) has no readable IFD")
            return nil
        }
        var entries: [Entry] = []
        var skipped = 0
        // Sane IFDs have distinct values, so all of them fit in the structure; this bounds
        // what hostile entries pointing at the same bytes can make us copy.
        var budget = tiff.count
        let base = Int(ifdOffset) + 2
        for i in 0..<Int(n) {
            let at = base + 12 * i
            guard let tag = r.u16(at), let type = r.u16(at + 2), let count = r.u32(at + 4) else {
                warnings.append("\(name) is truncated")
                break
            }
            if dropped.contains(tag) { continue }
            let unit = typeSize(type)
            let (total, overflow) = Int(count).multipliedReportingOverflow(by: unit)
            guard unit > 0, !overflow, total <= 1 << 20 else { skipped += 1; continue }
            let value: [UInt8]?
            if total <= 4 {
                value = r.slice(at + 8, total)
            } else {
                value = r.u32(at + 8).flatMap { r.slice(Int($0), total) }
            }
            guard let value, value.count <= budget else { skipped += 1; continue }
            budget -= value.count
            let converted = sourceBE == bigEndian ? value : swapped(value, type: type)
            entries.append(Entry(tag: tag, type: type, count: count, value: converted))
        }
        if skipped > 0 { warnings.append("\(name): \(skipped) entries point outside the structure") }
        return entries
    }

    static func typeSize(_ type: UInt16) -> Int {
        switch type {
        case 1, 2, 6, 7: return 1
        case 3, 8: return 2
        case 4, 9, 11, 13: return 4
        case 5, 10, 12: return 8
        default: return 0
        }
    }

    /// Reverses the byte order of each numeric unit of a value.
    static func swapped(_ value: [UInt8], type: UInt16) -> [UInt8] {
        let unit: Int
        switch type {
        case 3, 8: unit = 2
        case 4, 9, 11, 13, 5, 10: unit = 4  // rationals: two 32-bit halves
        case 12: unit = 8
        default: return value
        }
        var out = value
        var i = 0
        while i + unit <= out.count {
            out[i..<(i + unit)].reverse()
            i += unit
        }
        return out
    }

    static func bytes<T: FixedWidthInteger>(_ v: T, _ bigEndian: Bool) -> [UInt8] {
        let value = bigEndian ? v.bigEndian : v.littleEndian
        return withUnsafeBytes(of: value) { Array($0) }
    }
}
