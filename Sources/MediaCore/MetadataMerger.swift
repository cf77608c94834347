import Foundation

/// Merges what the container parsers and decoders found into one `MediaMetadata`,
/// applying MediaKit's priorities and recording the source of each field.
struct MetadataMerger {
    let configuration: StandardMetadataReader.Configuration

    func merge(_ scan: ContainerScan, sidecars: [[UInt8]], fileTimes: () -> [(String, Double)]) -> MediaMetadata {
        var m = MediaMetadata(format: scan.format)
        m.warnings = scan.warnings

        // EXIF: decode each payload; the first payload to give a field wins.
        var exif = ExifValues()
        for payload in scan.exif {
            let decoded = ExifDecoder.decode(payload)
            exif.fillMissing(from: decoded)
            m.rawTags += decoded.rawTags
            m.warnings += decoded.warnings
        }
        // XMP: sidecars (user edits) first, then what the file embeds.
        var xmp = XMPValues()
        for packet in sidecars + scan.xmp {
            let decoded = XMPParser.parse(packet)
            xmp.fillMissing(from: decoded)
            m.rawTags += decoded.rawTags
        }
        let qt = scan.quickTime
        m.rawTags += qt.rawTags

        // Pixel size.
        if [.cr2, .iiq].contains(scan.format), let w = exif.pixelXDimension, let h = exif.pixelYDimension, w > 0, h > 0 {
            m.pixelWidth = w
            m.pixelHeight = h
            m.sources[.pixelSize] = "EXIF:ExifImageWidth"
        } else if let w = scan.pixelWidth, let h = scan.pixelHeight, w > 0, h > 0 {
            m.pixelWidth = w
            m.pixelHeight = h
            m.sources[.pixelSize] = "File:ImageSize"
        }
        if let o = exif.orientation ?? exif.thumbnailOrientation {
            if (1...8).contains(o) {
                m.orientation = o
                m.sources[.orientation] = "EXIF:Orientation"
            } else {
                m.warnings.append("EXIF orientation \(o) is out of range and was ignored")
            }
        }
        if let r = scan.rotation {
            m.rotation = r
            m.sources[.rotation] = "QuickTime:Rotation"
        }
        if let d = scan.duration, d.isFinite, d >= 0 {
            m.duration = d
            m.sources[.duration] = scan.durationSource ?? "QuickTime:Duration"
        }

        // Camera.
        let native = scan.native
        func nativeSource(_ f: MetadataField) -> String { native.sources[f] ?? "MakerNotes" }
        set(\.make, .make, &m, (exif.make, "EXIF:Make"), (qt.make, "QuickTime:Make"), (native.make, nativeSource(.make)),
            (xmp.make, "XMP:Make"))
        set(\.model, .model, &m, (exif.model, "EXIF:Model"), (qt.model, "QuickTime:Model"),
            (native.model, nativeSource(.model)), (xmp.model, "XMP:Model"))
        set(\.lens, .lens, &m, (exif.lens, "EXIF:LensModel"), (xmp.lens, "XMP:LensModel"))
        set(\.fNumber, .fNumber, &m, (exif.fNumber.flatMap(positive), "EXIF:FNumber"),
            (native.fNumber.flatMap(positive), nativeSource(.fNumber)))
        set(\.exposureTime, .exposureTime, &m, (exif.exposureTime.flatMap(positive), "EXIF:ExposureTime"),
            (native.exposureTime.flatMap(positive), nativeSource(.exposureTime)))
        set(\.focalLength, .focalLength, &m, (exif.focalLength.flatMap(positive), "EXIF:FocalLength"),
            (native.focalLength.flatMap(positive), nativeSource(.focalLength)))
        if let iso = exif.iso {
            m.iso = iso
            m.sources[.iso] = exif.isoSource ?? "EXIF:ISO"
        } else if let iso = native.iso, iso > 0 {
            m.iso = iso
            m.sources[.iso] = nativeSource(.iso)
        }
        set(\.rating, .rating, &m, (xmp.rating, "XMP:Rating"))
        set(\.caption, .caption, &m, (xmp.description, "XMP:Description"), (exif.imageDescription, "EXIF:ImageDescription"))

        // Place.
        if let lat = exif.latitude, let lon = exif.longitude {
            m.location = GPSLocation(latitude: lat, longitude: lon, altitude: exif.altitude)
            m.sources[.location] = "EXIF:GPSLatitude"
            if exif.altitude != nil { m.sources[.altitude] = "EXIF:GPSAltitude" }
        } else if let loc = qt.location {
            m.location = loc
            m.sources[.location] = "QuickTime:GPSCoordinates"
            if loc.altitude != nil { m.sources[.altitude] = "QuickTime:GPSCoordinates" }
        } else if let lat = xmp.latitude, let lon = xmp.longitude {
            m.location = GPSLocation(latitude: lat, longitude: lon, altitude: xmp.altitude)
            m.sources[.location] = "XMP:GPSLatitude"
            if xmp.altitude != nil { m.sources[.altitude] = "XMP:GPSAltitude" }
        }
        if let loc = m.location, !(abs(loc.latitude) <= 90 && abs(loc.longitude) <= 180) {
            m.warnings.append("GPS position \(loc.latitude), \(loc.longitude) is out of range and was ignored")
            m.location = nil
            m.sources[.location] = nil
            m.sources[.altitude] = nil
        }

        m.capturedAt = captureDate(exif: exif, xmp: xmp, qt: qt, native: native, fileTimes: fileTimes)
        if let c = m.capturedAt { m.sources[.capturedAt] = c.source }
        return m
    }

    /// The capture date by MediaKit's priority: EXIF DateTimeOriginal (with SubSecTimeOriginal
    /// and OffsetTimeOriginal), EXIF CreateDate (with SubSecTimeDigitized and
    /// OffsetTimeDigitized), QuickTime creation dates, XMP, GPS date and time, file times.
    /// OffsetTime (the offset of the modification date) is never used.
    func captureDate(exif: ExifValues, xmp: XMPValues, qt: QuickTimeFields, native: NativeFields = NativeFields(), fileTimes: () -> [(String, Double)]) -> CaptureDate? {
        func exifDate(_ text: String?, subSec: String?, offset: String?, source: String) -> CaptureDate? {
            guard let text, var parsed = DateText.parse(text) else { return nil }
            if parsed.local.millisecond == nil, let ms = DateText.subSeconds(subSec) { parsed.local.millisecond = ms }
            let off = offset.flatMap(DateText.parseOffset) ?? parsed.offsetSeconds
            return CaptureDate(local: parsed.local, offsetSeconds: off, source: source)
        }
        // XMP dates written by Adobe tools and digiKam carry the offset that EXIF lacks;
        // adopt it when the wall-clock time is the same.
        let xmpDates = [xmp.dateTimeOriginal, xmp.createDate, xmp.dateCreated].compactMap { $0.flatMap { DateText.parse($0) } }
        func withXMPOffset(_ d: CaptureDate?) -> CaptureDate? {
            guard var d, d.offsetSeconds == nil else { return d }
            func seconds(_ l: LocalDateTime) -> Int { Int(l.secondsSinceEpochAsUTC.rounded(.down)) }
            if let match = xmpDates.first(where: { $0.offsetSeconds != nil && seconds($0.local) == seconds(d.local) }) {
                d.offsetSeconds = match.offsetSeconds
            }
            return d
        }
        if let d = withXMPOffset(exifDate(exif.dateTimeOriginal, subSec: exif.subSecTimeOriginal, offset: exif.offsetTimeOriginal,
                                          source: "EXIF:DateTimeOriginal")) { return d }
        if let d = withXMPOffset(exifDate(exif.createDate, subSec: exif.subSecTimeDigitized, offset: exif.offsetTimeDigitized,
                                          source: "EXIF:CreateDate")) { return d }
        if let local = native.dateTimeOriginal {
            return CaptureDate(local: local, offsetSeconds: nil, source: native.sources[.capturedAt] ?? "MakerNotes:DateTimeOriginal")
        }
        if let c = qt.creationDate {
            return CaptureDate(local: c.local, offsetSeconds: c.offsetSeconds, source: "QuickTime:CreationDate")
        }
        if let utc = qt.createDate {
            return CaptureDate(local: LocalDateTime(secondsSinceEpoch: utc, offsetSeconds: 0), offsetSeconds: 0,
                               source: "QuickTime:CreateDate")
        }
        for (text, source) in [(xmp.dateTimeOriginal, "XMP:DateTimeOriginal"), (xmp.createDate, "XMP:CreateDate"),
                               (xmp.dateCreated, "XMP:DateCreated")] {
            if let text, let parsed = DateText.parse(text) {
                return CaptureDate(local: parsed.local, offsetSeconds: parsed.offsetSeconds, source: source)
            }
        }
        if let date = exif.gpsDateStamp, let time = exif.gpsTimeStamp, time.count == 3,
           let day = DateText.parse(date) {
            let seconds = day.local.secondsSinceEpochAsUTC + time[0] * 3600 + time[1] * 60 + time[2]
            if seconds.isFinite {
                return CaptureDate(local: LocalDateTime(secondsSinceEpoch: seconds, offsetSeconds: 0), offsetSeconds: 0,
                                   source: "EXIF:GPSDateTime")
            }
        }
        guard configuration.usesFileTimesAsFallback,
              let earliest = fileTimes().filter({ $0.1 > 0 }).min(by: { $0.1 < $1.1 }) else { return nil }
        let offset = TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: earliest.1))
        return CaptureDate(local: LocalDateTime(secondsSinceEpoch: earliest.1.rounded(.down), offsetSeconds: offset),
                           offsetSeconds: offset, source: earliest.0)
    }

    private func positive(_ v: Double) -> Double? { v > 0 && v.isFinite ? v : nil }

    private func set<T>(_ field: WritableKeyPath<MediaMetadata, T?>, _ key: MetadataField, _ m: inout MediaMetadata,
                        _ candidates: (T?, String)...) {
        for (value, source) in candidates {
            if let value {
                m[keyPath: field] = value
                m.sources[key] = source
                return
            }
        }
    }
}

extension ExifValues {
    /// Fills each field that is still nil from `other` (a later EXIF payload of the same file).
    mutating func fillMissing(from other: ExifValues) {
        func fill<T>(_ kp: WritableKeyPath<ExifValues, T?>) {
            if self[keyPath: kp] == nil { self[keyPath: kp] = other[keyPath: kp] }
        }
        fill(\.make); fill(\.model); fill(\.lens); fill(\.imageDescription); fill(\.orientation); fill(\.thumbnailOrientation)
        fill(\.dateTimeOriginal); fill(\.subSecTimeOriginal); fill(\.offsetTimeOriginal)
        fill(\.createDate); fill(\.subSecTimeDigitized); fill(\.offsetTimeDigitized)
        fill(\.fNumber); fill(\.exposureTime); fill(\.focalLength)
        if iso == nil { iso = other.iso; isoSource = other.isoSource }
        fill(\.pixelXDimension); fill(\.pixelYDimension)
        fill(\.latitude); fill(\.longitude); fill(\.altitude); fill(\.gpsDateStamp); fill(\.gpsTimeStamp)
    }
}

extension XMPValues {
    /// Fills each field that is still nil from `other` (a later packet).
    mutating func fillMissing(from other: XMPValues) {
        func fill<T>(_ kp: WritableKeyPath<XMPValues, T?>) {
            if self[keyPath: kp] == nil { self[keyPath: kp] = other[keyPath: kp] }
        }
        fill(\.dateTimeOriginal); fill(\.createDate); fill(\.dateCreated); fill(\.rating); fill(\.description)
        fill(\.latitude); fill(\.longitude); fill(\.altitude); fill(\.make); fill(\.model); fill(\.lens)
    }
}
