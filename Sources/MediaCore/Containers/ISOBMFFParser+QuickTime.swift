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
            case "TAGS":
                if let data = try session.payload(child, limit: 64 * 1024) { readPentaxTags(data, session) }
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

    static let pentaxSignature = Array("PENTAX DIGITAL CAMERA\0".utf8)

    /// The `TAGS` atom of Pentax cameras (Optio and others; exiftool's `Pentax::MOV`): a
    /// little-endian block with the make at 0, the shutter as 10/x seconds at 0x26, the
    /// f-number at 0x2A and the focal length at 0x48 (rationals), and the ISO at 0xAF. Other
    /// makers' `TAGS` atoms have other layouts and are left alone.
    static func readPentaxTags(_ p: [UInt8], _ session: Session) {
        guard p.count >= 0xB1, p.starts(with: pentaxSignature) else { return }
        let r = BinaryReader(p, bigEndian: false)
        func rational(_ at: Int) -> Double? {
            guard let n = r.u32(at), let d = r.u32(at + 4), n > 0, d > 0 else { return nil }
            return Double(n) / Double(d)
        }
        var native = session.scan.native
        native.make = String(decoding: p[0..<24], as: UTF8.self).trimmedSpacesAndNULs()
        if let t = r.u32(0x26), t > 0 { native.exposureTime = 10 / Double(t) }
        native.fNumber = rational(0x2A)
        native.focalLength = rational(0x48)
        if let iso = r.u16(0xAF), iso > 0 { native.iso = Int(iso) }
        let tags: [(MetadataField, String)] = [(.make, "Make"), (.exposureTime, "ExposureTime"), (.fNumber, "FNumber"),
                                               (.focalLength, "FocalLength"), (.iso, "ISO")]
        for (field, tag) in tags { native.sources[field] = "MakerNotes:" + tag }
        session.scan.native = native
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
            if let date = DateText.parse(value) {
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
        func structure(_ name: String) -> TIFFStructure? {
            guard let bytes = cmt[name] else { return nil }
            return try? TIFFStructure(MemoryByteSource(bytes))
        }
        var warnings: [String] = []
        if let merged = EXIFCompactor.merge(ifd0: structure("CMT1"), exif: structure("CMT2"), gps: structure("CMT4"),
                                            warnings: &warnings) {
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
