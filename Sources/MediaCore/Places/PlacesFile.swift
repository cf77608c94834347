/// The parsed contents of a `places.bin` file (format version 1), validated.
///
/// The format (written by `scripts/build-places.py`, which documents it too), all integers
/// little-endian:
/// ```
/// header    "MKPLACES", u16 version = 1, u16 flags = 0, u32 file length
/// strings   u32 count, then u16 byte length + UTF-8 bytes each (time zones, countries, regions)
/// countries u32 count, then 2 ASCII bytes (ISO 3166-1 alpha-2) + u32 name string each
/// regions   u32 count, then u32 country + u32 name string (0xFFFFFFFF: none) each
/// zones     u32 count, then u32 IANA id string each
/// places    u32 count, then i32 latitude, i32 longitude (1e-5 degree), u16 region, u16 zone each
/// names     u8 byte length + UTF-8 bytes of each place's name, in place order
/// ```
/// Every count is checked against the bytes that remain before anything is allocated, and
/// every index against its table, so a damaged file gives a `MediaCoreError`, never a trap.
struct PlacesFile: Sendable {
    static let magic: [UInt8] = Array("MKPLACES".utf8)
    static let version: UInt16 = 1
    static let headerSize = 16
    static let placeRecordSize = 12
    static let noName: UInt32 = 0xFFFF_FFFF

    /// The whole file; place names are read from it on demand.
    let bytes: [UInt8]
    /// Per place: latitude and longitude in 1e-5 degree.
    let latitudes: [Int32]
    let longitudes: [Int32]
    /// Per place: index into `regionCountries` / `regionNames`, and into `zoneIds`.
    let regions: [UInt16]
    let zones: [UInt16]
    /// Per place: offset in `bytes` of its name's length byte.
    let nameOffsets: [UInt32]
    let countryCodes: [String]
    let countryNames: [String]
    let regionCountries: [Int]
    let regionNames: [String?]
    let zoneIds: [String]

    var count: Int { latitudes.count }

    /// The name of place `index` (UTF-8, any invalid byte replaced rather than trapping).
    func name(_ index: Int) -> String {
        let start = Int(nameOffsets[index])
        let length = Int(bytes[start])
        return String(decoding: bytes[start + 1..<start + 1 + length], as: UTF8.self)
    }

    /// Parses and validates `bytes`.
    /// - Throws: `MediaCoreError` `.unsupportedFormat` (bad magic, unknown version),
    ///   `.truncated` (the file is shorter than its header says or than a section needs),
    ///   `.corrupt` (an index, a coordinate or a length that cannot be right); without a path
    ///   (the caller adds it).
    init(bytes: [UInt8]) throws(MediaCoreError) {
        var r = Cursor(bytes: bytes)
        guard bytes.count >= Self.headerSize else {
            if bytes.count >= 8, Array(bytes[0..<8]) != Self.magic {
                throw MediaCoreError(.unsupportedFormat, "not a MediaKit places file (bad magic)")
            }
            throw MediaCoreError(.truncated, "places file of \(bytes.count) bytes is shorter than its \(Self.headerSize)-byte header")
        }
        guard Array(bytes[0..<8]) == Self.magic else {
            throw MediaCoreError(.unsupportedFormat, "not a MediaKit places file (bad magic)")
        }
        r.position = 8
        let version = try r.u16("version")
        guard version == Self.version else {
            throw MediaCoreError(.unsupportedFormat, "places file version \(version); this MediaKit reads version \(Self.version)")
        }
        _ = try r.u16("flags")
        let declared = Int(try r.u32("file length"))
        guard declared <= bytes.count else {
            throw MediaCoreError(.truncated, "the header says \(declared) bytes, the file has \(bytes.count)")
        }
        guard declared == bytes.count else {
            throw MediaCoreError(.corrupt, "the header says \(declared) bytes, the file has \(bytes.count)")
        }

        // Strings.
        let stringCount = try r.count("strings", minimumSize: 2)
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        for i in 0..<stringCount {
            let length = Int(try r.u16("length of string \(i)"))
            let raw = try r.bytes(length, "string \(i)")
            guard let s = String(validating: raw, as: UTF8.self) else {
                throw MediaCoreError(.corrupt, "string \(i) is not valid UTF-8")
            }
            strings.append(s)
        }
        func string(_ index: UInt32, _ what: String) throws(MediaCoreError) -> String {
            guard Int(index) < strings.count else {
                throw MediaCoreError(.corrupt, "\(what) names string \(index) of \(strings.count)")
            }
            return strings[Int(index)]
        }

        // Countries.
        let countryCount = try r.count("countries", minimumSize: 6)
        var codes: [String] = [], names: [String] = []
        for i in 0..<countryCount {
            let code = try r.bytes(2, "code of country \(i)")
            guard code.allSatisfy({ (0x41...0x5A).contains($0) }) else {
                throw MediaCoreError(.corrupt, "country \(i) has a code that is not two capital letters")
            }
            codes.append(String(decoding: code, as: UTF8.self))
            names.append(try string(try r.u32("name of country \(i)"), "country \(i)"))
        }

        // Regions.
        let regionCount = try r.count("regions", minimumSize: 8)
        guard regionCount <= Int(UInt16.max) + 1 else {
            throw MediaCoreError(.corrupt, "\(regionCount) regions; places can refer to \(Int(UInt16.max) + 1) at most")
        }
        var regionCountries: [Int] = [], regionNames: [String?] = []
        for i in 0..<regionCount {
            let country = Int(try r.u32("country of region \(i)"))
            guard country < countryCount else {
                throw MediaCoreError(.corrupt, "region \(i) names country \(country) of \(countryCount)")
            }
            regionCountries.append(country)
            let name = try r.u32("name of region \(i)")
            regionNames.append(name == Self.noName ? nil : try string(name, "region \(i)"))
        }

        // Time zones.
        let zoneCount = try r.count("time zones", minimumSize: 4)
        var zoneIds: [String] = []
        for i in 0..<zoneCount {
            zoneIds.append(try string(try r.u32("time zone \(i)"), "time zone \(i)"))
        }

        // Places: fixed-size records, then the names.
        let placeCount = try r.count("places", minimumSize: Self.placeRecordSize + 2)
        var latitudes = [Int32](repeating: 0, count: placeCount)
        var longitudes = [Int32](repeating: 0, count: placeCount)
        var regions = [UInt16](repeating: 0, count: placeCount)
        var zones = [UInt16](repeating: 0, count: placeCount)
        var badPlace: (index: Int, problem: String)?
        bytes.withUnsafeBytes { raw in
            var at = r.position
            for i in 0..<placeCount {
                let lat = Int32(bitPattern: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
                let lon = Int32(bitPattern: raw.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self).littleEndian)
                let region = raw.loadUnaligned(fromByteOffset: at + 8, as: UInt16.self).littleEndian
                let zone = raw.loadUnaligned(fromByteOffset: at + 10, as: UInt16.self).littleEndian
                at += Self.placeRecordSize
                if badPlace == nil {
                    if !(-9_000_000...9_000_000).contains(lat) || !(-18_000_000...18_000_000).contains(lon) {
                        badPlace = (i, "has coordinates out of range")
                    } else if Int(region) >= regionCount {
                        badPlace = (i, "names region \(region) of \(regionCount)")
                    } else if Int(zone) >= zoneCount {
                        badPlace = (i, "names time zone \(zone) of \(zoneCount)")
                    }
                }
                latitudes[i] = lat
                longitudes[i] = lon
                regions[i] = region
                zones[i] = zone
            }
        }
        if let badPlace { throw MediaCoreError(.corrupt, "place \(badPlace.index) \(badPlace.problem)") }
        r.position += placeCount * Self.placeRecordSize
        var nameOffsets = [UInt32](repeating: 0, count: placeCount)
        var at = r.position
        for i in 0..<placeCount {
            guard at < bytes.count else {
                throw MediaCoreError(.truncated, "the name of place \(i) at offset \(at) runs past the end of the file")
            }
            let length = Int(bytes[at])
            guard length > 0 else { throw MediaCoreError(.corrupt, "place \(i) has an empty name") }
            guard length <= bytes.count - at - 1 else {
                throw MediaCoreError(.truncated, "the name of place \(i) at offset \(at) runs past the end of the file")
            }
            nameOffsets[i] = UInt32(at)
            at += 1 + length
        }
        guard at == bytes.count else {
            throw MediaCoreError(.corrupt, "\(bytes.count - at) unexpected bytes after the place names")
        }

        self.bytes = bytes
        self.latitudes = latitudes
        self.longitudes = longitudes
        self.regions = regions
        self.zones = zones
        self.nameOffsets = nameOffsets
        self.countryCodes = codes
        self.countryNames = names
        self.regionCountries = regionCountries
        self.regionNames = regionNames
        self.zoneIds = zoneIds
    }

    /// Little-endian reads that throw `.truncated` past the end.
    private struct Cursor {
        let bytes: [UInt8]
        var position = 0

        mutating func bytes(_ n: Int, _ what: @autoclosure () -> String) throws(MediaCoreError) -> ArraySlice<UInt8> {
            guard n >= 0, n <= bytes.count - position else {
                throw MediaCoreError(.truncated, "\(what()) at offset \(position) runs past the end of the file")
            }
            defer { position += n }
            return bytes[position..<position + n]
        }

        mutating func u16(_ what: @autoclosure () -> String) throws(MediaCoreError) -> UInt16 {
            let b = try bytes(2, what())
            return UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8
        }

        mutating func u32(_ what: @autoclosure () -> String) throws(MediaCoreError) -> UInt32 {
            let b = try bytes(4, what())
            var v: UInt32 = 0
            for i in (0..<4).reversed() { v = v << 8 | UInt32(b[b.startIndex + i]) }
            return v
        }

        /// A section's entry count, checked against the bytes left (each entry takes at least
        /// `minimumSize` bytes) before anything is allocated for it.
        mutating func count(_ section: String, minimumSize: Int) throws(MediaCoreError) -> Int {
            let n = Int(try u32("count of \(section)"))
            let left = bytes.count - position
            guard n <= left / minimumSize else {
                throw MediaCoreError(.corrupt, "\(n) \(section) need at least \(n * minimumSize) bytes, \(left) remain")
            }
            return n
        }
    }
}
