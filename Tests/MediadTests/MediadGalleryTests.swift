import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MediaStore
import NIOCore
import Testing
import TestSupport
@testable import mediad

/// Debian's Chromium.
private let chromiumPath = "/usr/bin/chromium"

extension MediadSuites {
/// The web gallery in a real browser: Debian's headless Chromium opens the timeline and the
/// viewer of a library filled through the upload API, over loopback. The page reports what it
/// drew in `<body data-view data-tiles data-painted data-preview>` (the timeline, the viewer
/// with the place and the owner's marks, search, the trash); the screenshots are kept in
/// `.build/test-output/` (or `$MEDIAKIT_TEST_OUTPUT`).

@Suite(.enabled(if: Corpus.isAvailable && FileManager.default.isExecutableFile(atPath: chromiumPath),
                "needs the shared corpus and /usr/bin/chromium (apt-get install chromium)"))
struct MediadGalleryTests {
    static let apiKey = HTTPField.Name("x-api-key")!

    /// Runs headless Chromium on `url`; `--dump-dom` prints the page after its scripts ran.
    static func chromium(_ arguments: [String], url: String) throws -> String {
        let profile = NSTemporaryDirectory() + "mediakit-chromium-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromiumPath)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile)",
                             "--window-size=1280,1800", "--virtual-time-budget=15000"] + arguments + [url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// `<body ...>`'s `data-` attributes from a dumped page.
    static func bodyData(_ dom: String) -> [String: String] {
        guard let body = dom.firstMatch(of: /<body([^>]*)>/)?.1 else { return [:] }
        var out: [String: String] = [:]
        for match in body.matches(of: /data-([a-z]+)="([^"]*)"/) { out[String(match.1)] = String(match.2) }
        return out
    }

    @Test func timelineAndViewerInChromium() async throws {
        let folder = NSTemporaryDirectory() + "mediad-gallery-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = ProcessInfo.processInfo.environment["MEDIAKIT_TEST_OUTPUT"] ?? FileManager.default.currentDirectoryPath + "/.build/test-output"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let library = try Library(at: folder)
        let key = try library.createAPIKey(for: library.defaultOwner, name: "gallery").secret
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.logLevel = .warning
        let app = try buildApplication(library: library, configuration: configuration)
        let photos = ["Canon_40D.jpg", "Nikon_D70.jpg", "Canon_DIGITAL_IXUS_400.jpg", "Fujifilm_FinePix_E500.jpg", "Olympus_C8080WZ.jpg",
                      "Pentax_K10D.jpg", "Sony_HDR-HC3.jpg", "Kodak_CX7530.jpg", "Ricoh_Caplio_RR330.jpg", "Nikon_COOLPIX_P1.jpg"]
            .map { Corpus.path("media/exif-samples/jpg/" + $0) }.filter { FileManager.default.fileExists(atPath: $0) }
        #expect(photos.count >= 8)

        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Uploaded as the gallery's own drop zone does: Immich's multipart form.
            var ids: [String] = []
            for path in photos {
                let boundary = "gallery-\(UUID())"
                let body = UploadFormFixture.body(fields: [], filename: (path as NSString).lastPathComponent,
                                                  bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), boundary: boundary)
                try await client.execute(uri: "/api/assets", method: .post,
                                         headers: [Self.apiKey: key, .contentType: "multipart/form-data; boundary=\(boundary)"], body: body) { response in
                    #expect(response.status == .created)
                    if let id = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])?["id"] as? String {
                        ids.append(id)
                    }
                }
            }
            let base = "http://127.0.0.1:\(port)"
            // Without a key: the sign-in form.
            let signIn = Self.bodyData(try Self.chromium(["--dump-dom"], url: base + "/"))
            #expect(signIn["view"] == "login", "\(signIn)")

            // The timeline: one tile per photo, every thumbnail painted.
            let timeline = try Self.chromium(["--dump-dom"], url: "\(base)/login?key=\(key)")
            let drawn = Self.bodyData(timeline)
            #expect(drawn["view"] == "timeline" && drawn["tiles"] == "\(ids.count)" && drawn["painted"] == "\(ids.count)", "\(drawn)")
            #expect(ids.allSatisfy { timeline.contains("/api/assets/\($0)/thumbnail") })
            _ = try Self.chromium(["--screenshot=\(output)/gallery-timeline.png"], url: "\(base)/login?key=\(key)")

            // The viewer: the preview painted and the metadata panel filled.
            let first = try #require(ids.first)
            let viewer = try Self.chromium(["--dump-dom"], url: "\(base)/login?key=\(key)&to=asset/\(first)")
            let shown = Self.bodyData(viewer)
            #expect(shown["view"] == "viewer" && shown["preview"] == "painted", "\(shown)")
            #expect(viewer.contains("Canon EOS 40D") && viewer.contains("/api/assets/\(first)/thumbnail?size=preview"))
            _ = try Self.chromium(["--screenshot=\(output)/gallery-viewer.png"], url: "\(base)/login?key=\(key)&to=asset/\(first)")
            // Previous and next: opened from a link, the viewer steps through the photo's month.
            let firstID = try #require(AssetID(first))
            let firstAsset = try #require(try library.asset(firstID))
            let month = try library.assets(inMonth: String(try #require(firstAsset.metadata.capturedAt).local.text.prefix(7)))
            let at = try #require(month.firstIndex { $0.id.description == first })
            if at + 1 < month.count { #expect(viewer.contains("rel=\"next\" href=\"#/asset/\(month[at + 1].id)\"")) }
            if at > 0 { #expect(viewer.contains("rel=\"prev\" href=\"#/asset/\(month[at - 1].id)\"")) }

            // Search: the form's values in the address, the answer drawn as tiles.
            var canon = AssetQuery()
            canon.make = "canon"
            let canons = try library.search(canon).assets.map(\.id.description)
            let search = try Self.chromium(["--dump-dom"], url: "\(base)/login?key=\(key)&to=search/make=Canon")
            let found = Self.bodyData(search)
            #expect(canons.count >= 2 && found["view"] == "search" && found["tiles"] == "\(canons.count)", "\(found)")
            #expect(canons.allSatisfy { search.contains("#/asset/\($0)") })
            _ = try Self.chromium(["--screenshot=\(output)/gallery-search.png"], url: "\(base)/login?key=\(key)&to=search/make=Canon")

            // Organised through the SDK: the viewer shows the place, the tag, the rating and
            // the favourite; the Trash page lists what was moved there.
            try library.edit([firstID], [.location(GPSLocation(latitude: 38.7071, longitude: -9.1355)), .rating(4), .description("By the river")])
            try library.tag([firstID], with: ["travel/lisbon"])
            try library.setFavorite([firstID], true)
            let place = try #require(try library.asset(firstID)?.place)
            let organised = try Self.chromium(["--dump-dom"], url: "\(base)/login?key=\(key)&to=asset/\(first)")
            #expect(Self.bodyData(organised)["view"] == "viewer")
            var names: [String] = []
            for name in [place.city, place.region, place.country].compactMap({ $0 }) where !names.contains(name) { names.append(name) }
            #expect(organised.contains("<dt>Place</dt><dd>\(names.joined(separator: ", "))</dd>"), "the place")
            #expect(organised.contains("travel/lisbon") && organised.contains("♥ Favourite") && organised.contains("By the river"))
            #expect(organised.components(separatedBy: "class=\"on\"").count - 1 == 4, "four stars on")
            _ = try Self.chromium(["--screenshot=\(output)/gallery-viewer-organised.png"], url: "\(base)/login?key=\(key)&to=asset/\(first)")
            let trashed = try #require(ids.last.flatMap(AssetID.init))
            try library.trash([trashed])
            let trash = try Self.chromium(["--dump-dom"], url: "\(base)/login?key=\(key)&to=trash")
            let inTrash = Self.bodyData(trash)
            #expect(inTrash["view"] == "trash" && inTrash["tiles"] == "1", "\(inTrash)")
            #expect(trash.contains("#/asset/\(trashed)") && trash.contains("Restore all") && trash.contains("Empty trash"))
        }
        for name in ["gallery-timeline.png", "gallery-viewer.png", "gallery-search.png"] {
            let size = (try? FileManager.default.attributesOfItem(atPath: "\(output)/\(name)"))?[.size] as? Int ?? 0
            #expect(size > 20_000, "\(name): \(size) bytes")
        }
    }
}
}
