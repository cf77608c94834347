import Foundation
import Testing
@testable import MediaCore

@Suite struct MetadataReaderTests {
    let reader = StandardMetadataReader()

    /// A phone photo's EXIF: every field MediaKit normalises, with southern/western GPS.
    static func phoneEXIF() -> TIFFBuilder {
        var b = TIFFBuilder()
        b.ifd0 = [(0x010F, .ascii("Apple")), (0x0110, .ascii("iPhone 11 Pro Max")), (0x0112, .short(6))]
        b.exif = [
            (0x829A, .rationals([(1, 391)])), (0x829D, .rationals([(18, 10)])), (0x8827, .short(32)),
            (0x9003, .ascii("2021:04:11 15:47:53")), (0x9004, .ascii("2021:04:11 15:47:50")),
            (0x9010, .ascii("+09:00")),            // OffsetTime: of the modification date, never the capture's
            (0x9011, .ascii("-05:00")), (0x9012, .ascii("-05:00")), (0x920A, .rationals([(425, 100)])),
            (0x9291, .ascii("054")), (0xA434, .ascii("iPhone 11 Pro Max back camera")),
        ]
        b.gps = [
            (0x0001, .ascii("S")), (0x0002, .rationals([(39, 1), (3, 1), (48_484, 1000)])),
            (0x0003, .ascii("W")), (0x0004, .rationals([(94, 1), (17, 1), (19_580, 1000)])),
            (0x0005, .bytes([1])), (0x0006, .rationals([(2605, 10)])),
        ]
        return b
    }

    @Test func readsEveryFieldFromAJPEG() throws {
        let m = try reader.read(bytes: Self.phoneEXIF().jpeg(width: 4032, height: 3024))
        #expect(m.format == .jpeg)
        #expect(m.pixelWidth == 4032 && m.pixelHeight == 3024)
        #expect(m.orientation == 6)
        #expect(m.width == 3024 && m.height == 4032)  // displayed: turned a quarter
        #expect(m.capturedAt?.text == "2021-04-11T15:47:53.054-05:00")
        #expect(m.capturedAt?.source == "EXIF:DateTimeOriginal")
        #expect(m.make == "Apple" && m.model == "iPhone 11 Pro Max" && m.lens == "iPhone 11 Pro Max back camera")
        #expect(m.fNumber == 1.8 && m.iso == 32 && m.focalLength == 4.25)
        #expect(abs((m.exposureTime ?? 0) - 1.0 / 391) < 1e-12)
        let loc = try #require(m.location)
        #expect(abs(loc.latitude - -(39 + 3.0 / 60 + 48.484 / 3600)) < 1e-9)
        #expect(abs(loc.longitude - -(94 + 17.0 / 60 + 19.58 / 3600)) < 1e-9)
        #expect(loc.altitude == -260.5)
        #expect(m.sources[.iso] == "EXIF:ISO")
        #expect(m.warnings.isEmpty)
        #expect(m.rawTags.contains { $0.name == "DateTimeOriginal" && $0.value == "2021:04:11 15:47:53" })
    }

    @Test func createDateWithItsOwnOffsetWhenThereIsNoOriginal() throws {
        var b = TIFFBuilder()
        b.exif = [(0x9004, .ascii("2020:01:02 03:04:05")), (0x9010, .ascii("+09:00")), (0x9012, .ascii("+01:00"))]
        let m = try reader.read(bytes: b.jpeg())
        #expect(m.capturedAt?.text == "2020-01-02T03:04:05+01:00")
        #expect(m.capturedAt?.source == "EXIF:CreateDate")
    }

    @Test func modificationOffsetIsNeverTheCaptureOffset() throws {
        var b = TIFFBuilder()
        b.exif = [(0x9003, .ascii("2020:01:02 03:04:05")), (0x9010, .ascii("+09:00"))]
        let m = try reader.read(bytes: b.jpeg())
        #expect(m.capturedAt?.text == "2020-01-02T03:04:05")
        #expect(m.capturedAt?.offsetSeconds == nil)
    }

    @Test func gpsTimeWhenNoOtherDate() throws {
        var b = TIFFBuilder()
        b.gps = [(0x0007, .rationals([(10, 1), (20, 1), (30, 1)])), (0x001D, .ascii("2019:05:06"))]
        let m = try StandardMetadataReader(configuration: { var c = StandardMetadataReader.Configuration(); c.usesFileTimesAsFallback = false; return c }())
            .read(bytes: b.jpeg())
        #expect(m.capturedAt?.text == "2019-05-06T10:20:30+00:00")
        #expect(m.capturedAt?.source == "EXIF:GPSDateTime")
    }

    @Test func pngEXIfChunk() throws {
        let m = try reader.read(bytes: Self.phoneEXIF().png(width: 30, height: 20))
        #expect(m.format == .png)
        #expect(m.pixelWidth == 30 && m.pixelHeight == 20)
        #expect(m.make == "Apple")
        #expect(m.capturedAt?.source == "EXIF:DateTimeOriginal")
    }

    @Test func tiffWhoseIFDsLieBeyondLibexifsWindow() throws {
        // IFD0 at offset 100,008: libexif alone would see nothing; the compactor must relocate it.
        var b = Self.phoneEXIF()
        b.ifd0 += [(0x0100, .short(640)), (0x0101, .short(480))]
        b.ifd0.sort { $0.0 < $1.0 }
        let m = try reader.read(bytes: b.build(padding: 100_000))
        #expect(m.format == .tiff)
        #expect(m.pixelWidth == 640 && m.pixelHeight == 480)
        #expect(m.make == "Apple")
        #expect(m.capturedAt?.text == "2021-04-11T15:47:53.054-05:00")
        #expect(m.location?.altitude == -260.5)
    }

    @Test func xmpSidecarSuppliesWhatTheFileLacks() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sidecar-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var b = TIFFBuilder()
        b.ifd0 = [(0x010F, .ascii("Canon"))]
        let photo = dir.appendingPathComponent("IMG_1.JPG")
        try Data(b.jpeg()).write(to: photo)
        let xmp = """
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:xap="http://ns.adobe.com/xap/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
          xmlns:exif="http://ns.adobe.com/exif/1.0/" xap:Rating="4" exif:GPSLatitude="38,42.5N" exif:GPSLongitude="9,8.25W">
          <xap:CreateDate>2018-06-01T12:30:00+01:00</xap:CreateDate>
          <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Lisbon &amp; the river</rdf:li></rdf:Alt></dc:description>
        </rdf:Description></rdf:RDF></x:xmpmeta>
        """
        try Data(xmp.utf8).write(to: dir.appendingPathComponent("IMG_1.JPG.xmp"))
        let m = try reader.read(path: photo.path)
        #expect(m.capturedAt?.text == "2018-06-01T12:30:00+01:00")
        #expect(m.capturedAt?.source == "XMP:CreateDate")
        #expect(m.rating == 4)
        #expect(m.caption == "Lisbon & the river")
        #expect(abs((m.location?.latitude ?? 0) - (38 + 42.5 / 60)) < 1e-9)
        #expect(abs((m.location?.longitude ?? 0) - -(9 + 8.25 / 60)) < 1e-9)
        #expect(m.make == "Canon")
    }

    @Test func fileTimeIsTheLastResort() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nodate-\(UUID()).jpg").path
        var b = TIFFBuilder()
        b.ifd0 = [(0x010F, .ascii("Canon"))]
        try Data(b.jpeg()).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let mtime = Date(timeIntervalSince1970: 1_500_000_000)
        try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: path)
        let m = try reader.read(path: path)
        let date = try #require(m.capturedAt)
        #expect(date.source.hasPrefix("File:"))
        #expect(date.offsetSeconds != nil)
        #expect(try #require(date.instant).timeIntervalSince1970 <= 1_500_000_000)
    }

    @Test func unreadableInputGivesClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = dir.appendingPathComponent("notes.jpg").path
        try Data("just some text, not a photo".utf8).write(to: URL(fileURLWithPath: garbage))
        let empty = dir.appendingPathComponent("empty.jpg").path
        try Data().write(to: URL(fileURLWithPath: empty))
        for (path, code) in [(garbage, MediaCoreError.Code.unsupportedFormat), (empty, .unsupportedFormat),
                             (dir.path, .notAFile), (dir.appendingPathComponent("missing.jpg").path, .notFound)] {
            do {
                _ = try reader.read(path: path)
                Issue.record("expected an error for \(path)")
            } catch {
                #expect(error.code == code)
                #expect(error.description.hasPrefix(path + ": "))
            }
        }
    }

    @Test func truncatedFilesNeverCrash() throws {
        // Every prefix of a valid JPEG, PNG and TIFF: a result or a MediaCoreError, nothing else.
        let samples = [Self.phoneEXIF().jpeg(), Self.phoneEXIF().png(), Self.phoneEXIF().build()]
        for sample in samples {
            for length in stride(from: 0, through: sample.count, by: 3) {
                _ = try? reader.read(bytes: Array(sample.prefix(length)))
            }
        }
        // A truncated EXIF segment still yields the fields before the cut, or a warning.
        let jpeg = Self.phoneEXIF().jpeg()
        let cut = try reader.read(bytes: Array(jpeg.prefix(jpeg.count / 2)))
        #expect(cut.format == .jpeg)
        #expect(!cut.warnings.isEmpty)
    }

    @Test func recordFollowsTheCLIContract() throws {
        let m = try reader.read(bytes: Self.phoneEXIF().jpeg(width: 4032, height: 3024))
        let line = MetadataRecord(path: "a/b.jpg", metadata: m).jsonLine()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["path"] as? String == "a/b.jpg")
        #expect(object["capturedAt"] as? String == "2021-04-11T15:47:53.054-05:00")
        #expect(object["width"] as? Int == 3024)
        #expect(object["mimeType"] as? String == "image/jpeg")
        #expect(object["error"] == nil)
        #expect(!line.contains("\n"))
        let failed = MetadataRecord(path: "x.jpg", error: MediaCoreError(.corrupt, "bad", path: "x.jpg")).jsonLine()
        #expect(failed.contains("\"error\":\"x.jpg: corrupt: bad\""))
    }
}

@Suite struct MakerNoteISOTests {
    /// A Kodak maker note: "KDK" header, then image width at 0x0C and ISO at 0x60 in `bigEndian` order.
    static func kodakNote(width: UInt16, iso: UInt16, bigEndian: Bool) -> [UInt8] {
        var data = [UInt8](repeating: 0, count: 0x70)
        func put(_ v: UInt16, _ at: Int) {
            data[at] = UInt8(bigEndian ? v >> 8 : v & 0xFF)
            data[at + 1] = UInt8(bigEndian ? v & 0xFF : v >> 8)
        }
        put(width, 0x0C)
        put(iso, 0x60)
        return Array("KDK INFO".utf8) + data
    }

    @Test func kodakISOInEitherByteOrder() throws {
        #expect(MakerNoteISO.kodak(Self.kodakNote(width: 2448, iso: 108, bigEndian: true), bigEndian: true) == 108)
        // DX6490-style: little-endian data inside a big-endian EXIF block.
        #expect(MakerNoteISO.kodak(Self.kodakNote(width: 2304, iso: 79, bigEndian: false), bigEndian: true) == 79)
        #expect(MakerNoteISO.kodak(Self.kodakNote(width: 2304, iso: 0xFFFF, bigEndian: false), bigEndian: true) == nil)
        #expect(MakerNoteISO.kodak(Array("KDK".utf8), bigEndian: true) == nil)

        var b = TIFFBuilder()
        b.ifd0 = [(0x010F, .ascii("EASTMAN KODAK COMPANY"))]
        b.exif = [(0x927C, .bytes(Self.kodakNote(width: 2448, iso: 108, bigEndian: false)))]
        let m = try StandardMetadataReader().read(bytes: b.jpeg())
        #expect(m.iso == 108)
        #expect(m.sources[.iso] == "MakerNotes:ISO")
    }

    @Test func casioType1ISO() {
        // One IFD entry: tag 0x14, SHORT, count 1, value 64 (little-endian).
        let note: [UInt8] = [1, 0, 0x14, 0, 3, 0, 1, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0]
        #expect(MakerNoteISO.casioType1(note, bigEndian: false) == 64)
        #expect(MakerNoteISO.casioType1([0xFF, 0xFF], bigEndian: false) == nil)
    }
}

@Suite struct NativeCameraFieldsTests {
    let reader = StandardMetadataReader()

    @Test func jpegHeightFromTheDNLMarker() throws {
        // A frame header with height 0 leaves the height to a DNL marker after the first scan.
        var bytes = TIFFBuilder().jpeg(width: 200, height: 0)
        bytes.removeLast(2)  // EOI
        let m = try reader.read(bytes: bytes + [0x12, 0x34, 0xFF, 0xDC, 0, 4, 0, 150, 0xFF, 0xD9])
        #expect(m.pixelWidth == 200 && m.pixelHeight == 150)

        let missing = try reader.read(bytes: TIFFBuilder().jpeg(width: 200, height: 0))
        #expect(missing.pixelWidth == nil && missing.pixelHeight == nil)
        #expect(missing.warnings.contains { $0.contains("DNL") })
    }

    @Test func pentaxTagsAtomOfAMovie() throws {
        func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
            let n = UInt32(payload.count + 8)
            return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + Array(type.utf8) + payload
        }
        var tags = [UInt8](repeating: 0, count: 0xB1)
        func put32(_ v: UInt32, _ at: Int) { for i in 0..<4 { tags[at + i] = UInt8(v >> (8 * UInt32(i)) & 0xFF) } }
        let make = Array("PENTAX DIGITAL CAMERA".utf8)
        tags.replaceSubrange(0..<make.count, with: make)
        put32(384, 0x26)             // shutter 10/384 s
        put32(40, 0x2A); put32(10, 0x2E)   // f/4
        put32(189, 0x48); put32(10, 0x4C)  // 18.9 mm
        tags[0xAF] = 50              // ISO 50
        let movie = box("ftyp", Array("qt  ".utf8) + [0, 0, 0, 0]) + box("moov", box("udta", box("TAGS", tags)))
        let m = try reader.read(bytes: movie)
        #expect(m.make == "PENTAX DIGITAL CAMERA")
        #expect(abs((m.exposureTime ?? 0) - 10.0 / 384) < 1e-12)
        #expect(m.fNumber == 4 && m.focalLength == 18.9 && m.iso == 50)
        #expect(m.sources[.fNumber] == "MakerNotes:FNumber")

        // Another maker's TAGS atom is not read as Pentax's.
        tags.replaceSubrange(0..<6, with: Array("KODAK ".utf8))
        let other = try reader.read(bytes: box("ftyp", Array("qt  ".utf8) + [0, 0, 0, 0]) + box("moov", box("udta", box("TAGS", tags))))
        #expect(other.make == nil && other.iso == nil)
    }

    @Test func canonEVCodes() {
        #expect(CRWParser.canonEV(64) == 2)
        #expect(abs(CRWParser.canonEV(116) - 11.0 / 3) < 1e-12)   // 3 2/3 stops: f/3.56
        #expect(abs(CRWParser.canonEV(-108) + 10.0 / 3) < 1e-12)  // -(3 1/3)
        #expect(CRWParser.canonEV(0x50) == 2.5)
    }
}
