import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import MediaCore

@Suite struct XMPWriterTests {
    static let exiftool = "/usr/bin/exiftool"
    static var hasExiftool: Bool { FileManager.default.isExecutableFile(atPath: exiftool) }

    static let trickyDescription = "Tom & Jerry <b>\"hi\"</b> 'there'\tLisboa à noite 🌃\nsecond line"

    /// Runs `body` with a fresh temporary directory, removed afterwards.
    static func withTempDirectory(_ body: (URL) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xmpwriter-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir)
    }

    static func date(_ text: String, offset: Int?) throws -> CaptureDate {
        let parsed = try #require(DateText.parse(text))
        return CaptureDate(local: parsed.local, offsetSeconds: offset, source: "test")
    }

    /// Everything set, southern and western hemisphere, below sea level.
    static func fullContent() throws -> XMPSidecarContent {
        XMPSidecarContent(
            capturedAt: try date("2021-04-11T15:47:53.054", offset: -5 * 3600),
            make: "Apple", model: "iPhone 11 Pro Max", lens: "iPhone 11 Pro Max back camera 4.25mm f/1.8",
            fNumber: 1.8, exposureTime: 1.0 / 391, focalLength: 4.25, iso: 32,
            location: GPSLocation(latitude: -(39 + 3 / 60 + 48.484 / 3600), longitude: -(94 + 17 / 60 + 19.58 / 3600), altitude: -12.5),
            rating: 4, description: trickyDescription,
            tags: ["travel/portugal/lisbon", "travel/portugal/porto", "people/Ana", "people/Ana", "events/lisbon"],
            isFavorite: true, width: 3024, height: 4032,
            extra: [
                "AssetID": "5f0c8f5e-2a5d-4d7e-9a43-2f1f6f0d2b11",
                "SHA256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "OriginalFilename": "IMG_5195.HEIC", "Visibility": "timeline",
                "bad key": "x", "1abc": "x", "a<b": "x", "": "x", "-dash": "x",
            ])
    }

    // MARK: - Round trip through MediaCore's reader

    @Test func roundTripThroughMediaCoreReader() throws {
        try Self.withTempDirectory { dir in
            let photo = dir.appendingPathComponent("IMG_5195.JPG")
            try Data(TIFFBuilder().jpeg()).write(to: photo)
            try XMPWriter.write(Self.fullContent(), to: photo.path + ".xmp")

            let m = try StandardMetadataReader().read(path: photo.path)
            #expect(m.capturedAt?.text == "2021-04-11T15:47:53.054-05:00")
            #expect(m.capturedAt?.source == "XMP:DateTimeOriginal")
            let place = try #require(m.location)
            #expect(abs(place.latitude - -(39 + 3 / 60 + 48.484 / 3600)) < 1e-6)
            #expect(abs(place.longitude - -(94 + 17 / 60 + 19.58 / 3600)) < 1e-6)
            #expect(place.altitude == -12.5)
            #expect(m.rating == 4)
            #expect(m.caption == Self.trickyDescription)
            #expect(m.make == "Apple")
            #expect(m.model == "iPhone 11 Pro Max")
            #expect(m.lens == "iPhone 11 Pro Max back camera 4.25mm f/1.8")
        }
    }

    @Test func dateWithoutOffsetAndNorthEastAboveSeaLevel() throws {
        try Self.withTempDirectory { dir in
            let photo = dir.appendingPathComponent("DSC_0001.jpg")
            try Data(TIFFBuilder().jpeg()).write(to: photo)
            let content = XMPSidecarContent(
                capturedAt: try Self.date("1999-12-31T23:59:59", offset: nil),
                location: GPSLocation(latitude: 38.7139925, longitude: 9.1334, altitude: 8848.86), rating: -1)
            try XMPWriter.write(content, to: photo.path + ".xmp")

            let m = try StandardMetadataReader().read(path: photo.path)
            #expect(m.capturedAt?.text == "1999-12-31T23:59:59")
            #expect(m.capturedAt?.offsetSeconds == nil)
            #expect(abs((m.location?.latitude ?? 0) - 38.7139925) < 1e-6)
            #expect(abs((m.location?.longitude ?? 0) - 9.1334) < 1e-6)
            #expect(m.location?.altitude == 8848.86)
            #expect(m.rating == -1)
            #expect(m.caption == nil)
        }
    }

    @Test func tagsAreLeafNamesAndLightroomHierarchies() throws {
        let packet = XMPWriter.packet(try Self.fullContent())
        #expect(XMPParser.items(of: "dc:subject", in: packet) == ["lisbon", "porto", "Ana"])
        #expect(XMPParser.items(of: "lr:hierarchicalSubject", in: packet)
                == ["travel|portugal|lisbon", "travel|portugal|porto", "people|Ana", "events|lisbon"])
        let odd = XMPWriter.packet(XMPSidecarContent(tags: ["/a//b/ ", "x|y/z", "  ", ""]))
        #expect(XMPParser.items(of: "lr:hierarchicalSubject", in: odd) == ["a|b", "xy|z"])
        #expect(XMPParser.items(of: "dc:subject", in: odd) == ["b", "z"])
    }

    // MARK: - Packet shape

    @Test func packetIsDeterministicAndWellFormed() throws {
        let content = try Self.fullContent()
        let a = XMPWriter.packet(content), b = XMPWriter.packet(content)
        #expect(a == b)
        let text = String(decoding: a, as: UTF8.self)
        #expect(text.hasPrefix("<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"))
        #expect(text.hasSuffix("<?xpacket end=\"w\"?>\n"))
        #expect(text.contains("xmlns:mediakit=\"\(XMPWriter.mediaKitNamespace)\""))
        #expect(text.components(separatedBy: "<rdf:Description").count == 2)
        // A dictionary's order never leaks into the bytes: the same content built another way.
        var rebuilt = content
        rebuilt.extra = [:]
        for key in content.extra.keys.sorted().reversed() { rebuilt.extra[key] = content.extra[key] }
        #expect(XMPWriter.packet(rebuilt) == a)
        // Foundation's XML parser accepts it.
        let parser = XMLParser(data: Data(a))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        // Empty content is still a valid packet.
        #expect(XMLParser(data: Data(XMPWriter.packet(XMPSidecarContent()))).parse())
    }

    @Test func escapingAndInvalidNames() throws {
        var content = try Self.fullContent()
        content.description = "a\u{7}b\u{0}c\r\n<&>\"'"
        let text = String(decoding: XMPWriter.packet(content), as: UTF8.self)
        #expect(text.contains(">abc\n&lt;&amp;&gt;&quot;&apos;</rdf:li>"))
        #expect(text.contains("<mediakit:AssetID>5f0c8f5e-2a5d-4d7e-9a43-2f1f6f0d2b11</mediakit:AssetID>"))
        for bad in ["bad key", "1abc", "a<b", "a&lt;b", "-dash", "<mediakit:>"] {
            #expect(!text.contains(bad), "\(bad)")
        }
        #expect(XMPWriter.isNCName("Original.File-name_2") && XMPWriter.isNCName("_x"))
        #expect(!XMPWriter.isNCName(".x") && !XMPWriter.isNCName("é") && !XMPWriter.isNCName("a:b"))

        let full = String(decoding: XMPWriter.packet(try Self.fullContent()), as: UTF8.self)
        #expect(full.contains("Tom &amp; Jerry &lt;b&gt;&quot;hi&quot;&lt;/b&gt; &apos;there&apos;\tLisboa à noite 🌃\nsecond line"))
    }

    @Test func numbersAreRationalsAndDegreesMinutes() {
        #expect(XMPWriter.rationalText(1.0 / 250) == "1/250")
        #expect(XMPWriter.rationalText(4) == "4/1")
        #expect(XMPWriter.rationalText(2.8) == "28/10")
        #expect(XMPWriter.rationalText(30) == "30/1")
        #expect(XMPWriter.rationalText(-1) == nil && XMPWriter.rationalText(.nan) == nil && XMPWriter.rationalText(1e12) == nil)
        for v in [1.0 / 391, 0.3, 2.0 / 3, 1.0 / 3, 4.25, 12_345.6789, 8848.86, 1e-7, 3.3e-7, .pi, 0.000_123_456_7, 4e9] {
            let r = XMPWriter.rationalText(v).flatMap(XMPParser.rational) ?? .nan
            #expect(abs(r - v) <= v * 1e-3, "\(v) -> \(XMPWriter.rationalText(v) ?? "nil")")
        }
        #expect(XMPWriter.coordinateText(-(39 + 3.808067 / 60), positive: "N", negative: "S") == "39,3.808067S")
        #expect(XMPWriter.coordinateText(179.9999999999, positive: "E", negative: "W") == "180,0.000000E")
        #expect(XMPWriter.coordinateText(0, positive: "N", negative: "S") == "0,0.000000N")
        // Out-of-range places are left out.
        let text = String(decoding: XMPWriter.packet(XMPSidecarContent(location: GPSLocation(latitude: 91, longitude: 0))), as: UTF8.self)
        #expect(!text.contains("GPSLatitude"))
    }

    @Test func initFromMetadata() throws {
        var m = MediaMetadata(format: .jpeg)
        m.pixelWidth = 4032
        m.pixelHeight = 3024
        m.orientation = 6
        m.make = "Canon"
        m.fNumber = 4
        m.iso = 100
        m.caption = "Alfama"
        m.rating = 5
        let c = XMPSidecarContent(metadata: m)
        #expect(c.width == 3024 && c.height == 4032)
        #expect(c.make == "Canon" && c.fNumber == 4 && c.iso == 100 && c.description == "Alfama" && c.rating == 5)
        #expect(c.tags.isEmpty && c.extra.isEmpty && c.isFavorite == nil)
    }

    // MARK: - exiftool

    @Test(.enabled(if: XMPWriterTests.hasExiftool, "exiftool is not installed"))
    func roundTripThroughExiftool() throws {
        try Self.withTempDirectory { dir in
            let path = dir.appendingPathComponent("IMG_5195.HEIC.xmp").path
            let content = try Self.fullContent()
            try XMPWriter.write(content, to: path)

            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.exiftool)
            process.arguments = ["-j", "-n", "-struct", path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
            let j = try #require(list.first)

            #expect(j["DateTimeOriginal"] as? String == "2021:04:11 15:47:53.054-05:00")
            #expect(j["CreateDate"] as? String == "2021:04:11 15:47:53.054-05:00")
            #expect(j["DateCreated"] as? String == "2021:04:11 15:47:53.054-05:00")
            // exiftool's JSON quotes numbers with more digits than a double prints exactly ("0.00255754475703325").
            func number(_ value: Any?) -> Double? { (value as? Double) ?? (value as? String).flatMap(Double.init) }
            let lat = try #require(number(j["GPSLatitude"])), lon = try #require(number(j["GPSLongitude"]))
            #expect(abs(lat - -(39 + 3 / 60 + 48.484 / 3600)) < 1e-6)
            #expect(abs(lon - -(94 + 17 / 60 + 19.58 / 3600)) < 1e-6)
            #expect(number(j["GPSAltitude"]) == -12.5)
            #expect(j["GPSAltitudeRef"] as? Int == 1)
            #expect(j["Rating"] as? Int == 4)
            #expect(j["Description"] as? String == Self.trickyDescription)
            #expect(j["Subject"] as? [String] == ["lisbon", "porto", "Ana"])
            #expect(j["HierarchicalSubject"] as? [String]
                    == ["travel|portugal|lisbon", "travel|portugal|porto", "people|Ana", "events|lisbon"])
            #expect(j["ISO"] as? [Int] == [32])
            #expect(j["PhotographicSensitivity"] as? Int == 32)
            #expect(number(j["FNumber"]) == 1.8)
            #expect(abs((number(j["ExposureTime"]) ?? 0) - 1.0 / 391) < 1e-9)
            #expect(number(j["FocalLength"]) == 4.25)
            #expect(j["Make"] as? String == "Apple")
            #expect(j["Model"] as? String == "iPhone 11 Pro Max")
            #expect(j["LensModel"] as? String == "iPhone 11 Pro Max back camera 4.25mm f/1.8")
            #expect(j["Lens"] as? String == "iPhone 11 Pro Max back camera 4.25mm f/1.8")
            #expect(j["ExifImageWidth"] as? Int == 3024)
            #expect(j["ExifImageHeight"] as? Int == 4032)
            // MediaKit namespace: exiftool names unknown-namespace tags after the property
            // (upper-case runs become "Sha256").
            #expect(j["AssetID"] as? String == "5f0c8f5e-2a5d-4d7e-9a43-2f1f6f0d2b11")
            #expect(j["OriginalFilename"] as? String == "IMG_5195.HEIC")
            #expect(j["Visibility"] as? String == "timeline")
            #expect(j["Favorite"] as? Bool == true)
            let sha = j.first { $0.key.lowercased() == "sha256" }?.value as? String
            #expect(sha == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
            #expect(j["Warning"] == nil, "\(j["Warning"] ?? "")")
        }
    }

    // MARK: - Atomic write

    @Test func writeReplacesAnExistingSidecar() throws {
        try Self.withTempDirectory { dir in
            let path = dir.appendingPathComponent("a.jpg.xmp").path
            try Data("old sidecar, much longer than nothing at all".utf8).write(to: URL(fileURLWithPath: path))
            let content = XMPSidecarContent(rating: 2, description: "new")
            try XMPWriter.write(content, to: path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(XMPWriter.packet(content)))
            try XMPWriter.write(XMPSidecarContent(rating: 3), to: path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(XMPWriter.packet(XMPSidecarContent(rating: 3))))
            // No temporary file is left behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.jpg.xmp"])
        }
    }

    @Test func writeIntoAMissingDirectoryThrowsWithThePath() throws {
        try Self.withTempDirectory { dir in
            let target = dir.appendingPathComponent("missing/IMG_1.JPG.xmp").path
            do throws(MediaCoreError) {
                try XMPWriter.write(XMPSidecarContent(rating: 1), to: target)
                Issue.record("writing into a missing directory succeeded")
            } catch {
                #expect(error.path == target)
                #expect(error.code == .notFound)
                #expect(error.description.hasPrefix(target + ": "))
            }
            // A directory where the file should be.
            let folder = dir.appendingPathComponent("folder.xmp")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
            do throws(MediaCoreError) {
                try XMPWriter.write(XMPSidecarContent(rating: 1), to: folder.path)
                Issue.record("writing over a directory succeeded")
            } catch {
                #expect(error.path == folder.path)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["folder.xmp"])
        }
    }
}
