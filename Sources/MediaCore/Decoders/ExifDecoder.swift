import CExif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The EXIF values MediaKit normalises, as libexif decoded them.
struct ExifValues {
    var make: String?
    var model: String?
    var lens: String?
    var imageDescription: String?
    var orientation: Int?
    /// IFD1's (the thumbnail's) orientation, used when IFD0 has none.
    var thumbnailOrientation: Int?
    var dateTimeOriginal: String?
    var subSecTimeOriginal: String?
    var offsetTimeOriginal: String?
    var createDate: String?
    var subSecTimeDigitized: String?
    var offsetTimeDigitized: String?
    var fNumber: Double?
    var exposureTime: Double?
    var focalLength: Double?
    var iso: Int?
    var isoSource: String?
    var pixelXDimension: Int?
    var pixelYDimension: Int?
    var latitude: Double?
    var longitude: Double?
    var altitude: Double?
    var gpsLatitudeParts: [Double]?
    var gpsLatitudeRef: String?
    var gpsLongitudeParts: [Double]?
    var gpsLongitudeRef: String?
    var gpsAltitudeValue: Double?
    var gpsAltitudeRef: Double?
    var gpsDateStamp: String?
    var gpsTimeStamp: [Double]?
    /// The MakerNote's bytes, for the makers libexif does not interpret.
    var makerNote: [UInt8]?
    var bigEndian = false
    var rawTags: [RawTag] = []
    var warnings: [String] = []
}

/// Owns a libexif `ExifData` and frees it.
final class ExifDataHandle {
    let pointer: UnsafeMutablePointer<ExifData>
    init?() {
        guard let p = exif_data_new() else { return nil }
        pointer = p
    }
    deinit { exif_data_unref(pointer) }
}

/// Owns a libexif `ExifLog` and frees it.
final class ExifLogHandle {
    let pointer: OpaquePointer
    init?() {
        guard let p = exif_log_new() else { return nil }
        pointer = p
    }
    deinit { exif_log_unref(pointer) }
}

/// Collects the messages libexif logs about corrupt data while it loads.
final class ExifLogSink {
    var messages: [String] = []
}

/// Decodes an EXIF payload (a TIFF structure) with libexif.
enum ExifDecoder {
    private static let exifHeader: [UInt8] = Array("Exif\0\0".utf8)

    /// Decodes `tiff` (starting with `II*\0` or `MM\0*`, at most 64 KiB).
    static func decode(_ tiff: [UInt8]) -> ExifValues {
        var values = ExifValues()
        guard tiff.count >= 8, let data = ExifDataHandle(), let log = ExifLogHandle() else {
            values.warnings.append("EXIF payload is too short")
            return values
        }
        exif_data_unset_option(data.pointer, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION)
        exif_data_unset_option(data.pointer, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS)
        let sink = ExifLogSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        exif_log_set_func(log.pointer, { _, code, _, format, args, user in
            guard code == EXIF_LOG_CODE_CORRUPT_DATA, let format, let args, let user else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = vsnprintf(&buffer, buffer.count, format, args)
            let sink = Unmanaged<ExifLogSink>.fromOpaque(user).takeUnretainedValue()
            if sink.messages.count < 20 {
                let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                sink.messages.append(String(decoding: bytes, as: UTF8.self))
            }
        }, unmanaged.toOpaque())
        exif_data_log(data.pointer, log.pointer)
        var payload = exifHeader
        payload.append(contentsOf: tiff.prefix(EXIFCompactor.limit))
        payload.withUnsafeBufferPointer { buf in
            exif_data_load_data(data.pointer, buf.baseAddress, UInt32(buf.count))
        }
        for message in sink.messages where !values.warnings.contains("EXIF: \(message)") {
            values.warnings.append("EXIF: \(message)")
        }
        let order = exif_data_get_byte_order(data.pointer)
        let ifds = withUnsafeBytes(of: data.pointer.pointee.ifd) { raw in
            Array(raw.bindMemory(to: UnsafeMutablePointer<ExifContent>?.self))
        }
        for (index, content) in ifds.enumerated() {
            guard let content, let entries = content.pointee.entries else { continue }
            let ifd = ExifIfd(UInt32(index))
            for i in 0..<Int(content.pointee.count) {
                guard let entry = entries[i] else { continue }
                read(entry, ifd: ifd, order: order, into: &values)
            }
        }
        finishGPS(&values)
        values.bigEndian = order == EXIF_BYTE_ORDER_MOTOROLA
        readMakerNote(data.pointer, into: &values)
        if values.iso == nil, let note = values.makerNote, let make = values.make?.uppercased() {
            if make.contains("KODAK"), let iso = MakerNoteISO.kodak(note, bigEndian: values.bigEndian) {
                values.iso = iso
                values.isoSource = "MakerNotes:ISO"
            } else if make.hasPrefix("CASIO"), let iso = MakerNoteISO.casioType1(note, bigEndian: values.bigEndian) {
                values.iso = iso
                values.isoSource = "MakerNotes:ISO"
            }
        }
        return values
    }

    private static func read(_ entry: UnsafeMutablePointer<ExifEntry>, ifd: ExifIfd, order: ExifByteOrder, into v: inout ExifValues) {
        let e = EntryValue(entry: entry.pointee, order: order)
        let tag = entry.pointee.tag
        let name = exif_tag_get_name_in_ifd(tag, ifd).map { String(cString: $0) }
            ?? "0x" + String(tag.rawValue, radix: 16)
        if ifd != EXIF_IFD_1 { v.rawTags.append(RawTag(group: "EXIF", name: name, value: e.text)) }

        switch (ifd, tag.rawValue) {
        case (EXIF_IFD_0, 0x010F): v.make = e.string
        case (EXIF_IFD_0, 0x0110): v.model = e.string
        case (EXIF_IFD_0, 0x010E): v.imageDescription = e.string
        case (EXIF_IFD_0, 0x0112): v.orientation = e.numbers.first.map { Int($0) }
        case (EXIF_IFD_1, 0x0112): v.thumbnailOrientation = e.numbers.first.map { Int($0) }
        case (EXIF_IFD_EXIF, 0x9003): v.dateTimeOriginal = e.string
        case (EXIF_IFD_EXIF, 0x9291): v.subSecTimeOriginal = e.string
        case (EXIF_IFD_EXIF, 0x9011): v.offsetTimeOriginal = e.string
        case (EXIF_IFD_EXIF, 0x9004): v.createDate = e.string
        case (EXIF_IFD_EXIF, 0x9292): v.subSecTimeDigitized = e.string
        case (EXIF_IFD_EXIF, 0x9012): v.offsetTimeDigitized = e.string
        case (EXIF_IFD_EXIF, 0x829D): v.fNumber = e.numbers.first
        case (EXIF_IFD_EXIF, 0x829A): v.exposureTime = e.numbers.first
        case (EXIF_IFD_EXIF, 0x920A): v.focalLength = e.numbers.first
        case (EXIF_IFD_EXIF, 0x8827):
            if let iso = e.numbers.first(where: { $0 > 0 }) ?? e.numbers.first { v.iso = Int(iso); v.isoSource = "EXIF:ISO" }
        case (EXIF_IFD_EXIF, 0xA434): v.lens = e.string
        case (EXIF_IFD_EXIF, 0xA002): v.pixelXDimension = e.numbers.first.map { Int($0) }
        case (EXIF_IFD_EXIF, 0xA003): v.pixelYDimension = e.numbers.first.map { Int($0) }
        case (EXIF_IFD_GPS, 0x0001): v.gpsLatitudeRef = e.string
        case (EXIF_IFD_GPS, 0x0002): v.gpsLatitudeParts = e.numbers
        case (EXIF_IFD_GPS, 0x0003): v.gpsLongitudeRef = e.string
        case (EXIF_IFD_GPS, 0x0004): v.gpsLongitudeParts = e.numbers
        case (EXIF_IFD_GPS, 0x0005): v.gpsAltitudeRef = e.numbers.first
        case (EXIF_IFD_GPS, 0x0006): v.gpsAltitudeValue = e.numbers.first
        case (EXIF_IFD_GPS, 0x001D): v.gpsDateStamp = e.string
        case (EXIF_IFD_GPS, 0x0007): v.gpsTimeStamp = e.numbers
        case (EXIF_IFD_EXIF, 0x927C): v.makerNote = e.bytes
        default: break
        }
    }

    /// Signed coordinates from the GPS IFD's values and references.
    private static func finishGPS(_ v: inout ExifValues) {
        if let parts = v.gpsLatitudeParts, let lat = degrees(parts) {
            v.latitude = (v.gpsLatitudeRef?.uppercased().hasPrefix("S") ?? false) ? -lat : lat
        }
        if let parts = v.gpsLongitudeParts, let lon = degrees(parts) {
            v.longitude = (v.gpsLongitudeRef?.uppercased().hasPrefix("W") ?? false) ? -lon : lon
        }
        if let alt = v.gpsAltitudeValue {
            v.altitude = v.gpsAltitudeRef == 1 ? -alt : alt
        }
    }

    /// Degrees, minutes, seconds → decimal degrees.
    private static func degrees(_ parts: [Double]) -> Double? {
        guard let d = parts.first else { return nil }
        let m = parts.count > 1 ? parts[1] : 0
        let s = parts.count > 2 ? parts[2] : 0
        let value = d + m / 60 + s / 3600
        guard value.isFinite else { return nil }
        return value
    }

    /// Maker-note values libexif can interpret (Canon, Nikon, Olympus, Pentax, Casio, Fuji, Apple),
    /// kept as raw tags; an ISO there fills in when EXIF has none.
    private static func readMakerNote(_ data: UnsafeMutablePointer<ExifData>, into v: inout ExifValues) {
        guard let note = exif_data_get_mnote_data(data) else { return }
        // Canon's maker-note "ISO" is the camera's ISO setting, not the exposure's ISO
        // (exiftool's CameraISO), so it does not stand in for EXIF ISO.
        let isCanon = v.make?.uppercased().hasPrefix("CANON") ?? false
        let count = exif_mnote_data_count(note)
        var buffer = [CChar](repeating: 0, count: 256)
        for i in 0..<min(count, 512) {
            guard let cname = exif_mnote_data_get_name(note, i) else { continue }
            let name = String(cString: cname)
            guard isoTagNames.contains(name) else { continue }
            guard exif_mnote_data_get_value(note, i, &buffer, UInt32(buffer.count)) != nil else { continue }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            v.rawTags.append(RawTag(group: "MakerNotes", name: name, value: text))
            if v.iso == nil, !isCanon, let iso = isoValue(text), iso > 0 {
                v.iso = iso
                v.isoSource = "MakerNotes:\(name)"
            }
        }
    }

    /// Maker-note tags (as libexif names them) that hold the ISO of the exposure.
    private static let isoTagNames: Set<String> = ["ISO", "ISOSpeed", "CCSISOSensitivity", "ISOSetting"]

    /// `"100"`, `"ISO 200"`, `"ISO2 200"` → the number; anything else (libexif's error texts) → nil.
    static func isoValue(_ text: String) -> Int? {
        var t = text.trimmedSpacesAndNULs()
        for prefix in ["ISO2 ", "ISO "] where t.hasPrefix(prefix) { t.removeFirst(prefix.count) }
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(t)
    }
}

/// One EXIF entry's value, decoded according to its format and byte order.
struct EntryValue {
    let format: ExifFormat
    let components: Int
    let bytes: [UInt8]
    let order: ExifByteOrder

    init(entry: ExifEntry, order: ExifByteOrder) {
        self.format = entry.format
        self.components = Int(entry.components)
        self.order = order
        if let data = entry.data, entry.size > 0 {
            self.bytes = Array(UnsafeBufferPointer(start: data, count: Int(min(entry.size, 1 << 20))))
        } else {
            self.bytes = []
        }
    }

    var string: String? {
        guard format == EXIF_FORMAT_ASCII || format == EXIF_FORMAT_UNDEFINED || format == EXIF_FORMAT_BYTE else { return nil }
        let cut = bytes.prefix { $0 != 0 }
        let s = String(decoding: cut, as: UTF8.self).trimmedSpacesAndNULs()
        return s.isEmpty ? nil : s
    }

    var numbers: [Double] {
        var out: [Double] = []
        bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            let size = Int(exif_format_get_size(format))
            guard size > 0 else { return }
            let n = min(components, buf.count / size, 1024)
            for i in 0..<n {
                let p = base + i * size
                switch format {
                case EXIF_FORMAT_BYTE, EXIF_FORMAT_UNDEFINED: out.append(Double(p.pointee))
                case EXIF_FORMAT_SBYTE: out.append(Double(Int8(bitPattern: p.pointee)))
                case EXIF_FORMAT_SHORT: out.append(Double(exif_get_short(p, order)))
                case EXIF_FORMAT_SSHORT: out.append(Double(exif_get_sshort(p, order)))
                case EXIF_FORMAT_LONG: out.append(Double(exif_get_long(p, order)))
                case EXIF_FORMAT_SLONG: out.append(Double(exif_get_slong(p, order)))
                case EXIF_FORMAT_RATIONAL:
                    let r = exif_get_rational(p, order)
                    if r.denominator != 0 { out.append(Double(r.numerator) / Double(r.denominator)) }
                case EXIF_FORMAT_SRATIONAL:
                    let r = exif_get_srational(p, order)
                    if r.denominator != 0 { out.append(Double(r.numerator) / Double(r.denominator)) }
                default: break
                }
            }
        }
        return out
    }

    /// The value as text for `RawTag`.
    var text: String {
        switch format {
        case EXIF_FORMAT_ASCII:
            return string ?? ""
        case EXIF_FORMAT_UNDEFINED:
            if bytes.count <= 64, let s = string, s.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) { return s }
            return "(\(bytes.count) bytes)"
        case EXIF_FORMAT_RATIONAL, EXIF_FORMAT_SRATIONAL:
            return bytes.withUnsafeBufferPointer { buf -> String in
                guard let base = buf.baseAddress else { return "" }
                let n = min(components, buf.count / 8, 64)
                return (0..<n).map { i -> String in
                    if format == EXIF_FORMAT_RATIONAL {
                        let r = exif_get_rational(base + i * 8, order)
                        return "\(r.numerator)/\(r.denominator)"
                    }
                    let r = exif_get_srational(base + i * 8, order)
                    return "\(r.numerator)/\(r.denominator)"
                }.joined(separator: " ")
            }
        default:
            let n = numbers
            if n.count > 64 { return "(\(n.count) values)" }
            return n.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0) }.joined(separator: " ")
        }
    }
}

/// ISO from maker notes libexif does not interpret (layouts as documented by exiftool).
enum MakerNoteISO {
    /// Kodak's binary maker note ("KDK" header, then model, image size... ISO at 0x60 of the
    /// data). Its byte order is the one in which the image width is plausible.
    static func kodak(_ note: [UInt8], bigEndian: Bool) -> Int? {
        guard note.count >= 8 + 0x62, note.starts(with: Array("KDK".utf8)) else { return nil }
        let data = Array(note[8...])
        let be = BinaryReader(data, bigEndian: true), le = BinaryReader(data, bigEndian: false)
        func plausible(_ w: UInt16?) -> Bool { w.map { $0 >= 64 && $0 <= 16384 } ?? false }
        let r: BinaryReader
        switch (plausible(be.u16(0x0C)), plausible(le.u16(0x0C))) {
        case (true, false): r = be
        case (false, true): r = le
        default: r = bigEndian ? be : le
        }
        guard let iso = r.u16(0x60), iso > 0, iso < 0xFFFF else { return nil }
        return Int(iso)
    }

    /// Casio's first maker-note type: a bare IFD whose tag 0x14 is the ISO.
    static func casioType1(_ note: [UInt8], bigEndian: Bool) -> Int? {
        let r = BinaryReader(note, bigEndian: bigEndian)
        guard let count = r.u16(0), count > 0, count < 200 else { return nil }
        for i in 0..<Int(count) {
            let e = 2 + i * 12
            guard let tag = r.u16(e), let type = r.u16(e + 2) else { return nil }
            if tag == 0x0014, type == 3, let iso = r.u16(e + 8), iso > 0, iso < 0xFFFF { return Int(iso) }
        }
        return nil
    }
}
