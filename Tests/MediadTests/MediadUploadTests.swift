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

extension MediadSuites {
/// Immich's upload flow against `mediad`, over the router and over HTTP on loopback: a new
/// file is 201 `created`, the same bytes again 200 `duplicate` with the same id, the bulk check
/// rejects what the user has; a wrong checksum, a path as file name, a body cut short or too
/// large is a 4xx and stores nothing; one user's upload is not another's duplicate; the asset,
/// its original (ETag, immutable, ranges) and thumbnails read back, by its owner only.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct MediadUploadTests {
    static let apiKey = HTTPField.Name("x-api-key")!
    static let checksum = HTTPField.Name("x-immich-checksum")!
    static let boundary = "mediad-test-boundary"

    /// A multipart body with Immich's fields and the file as `assetData`.
    static func form(_ bytes: [UInt8], filename: String, cutAfter: Int? = nil) -> ByteBuffer {
        var buffer = UploadFormFixture.body(fields: [("deviceAssetId", "\(filename)-1"), ("deviceId", "tests"),
                                                     ("fileCreatedAt", "2021-06-01T08:30:00.000Z"), ("fileModifiedAt", "2021-06-01T08:30:00Z")],
                                            filename: filename, bytes: bytes, boundary: boundary, fileContentType: "application/octet-stream")
        if let cutAfter { buffer.moveWriterIndex(to: cutAfter) }
        return buffer
    }

    static func headers(_ key: String, checksum: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [apiKey: key, .contentType: "multipart/form-data; boundary=\(boundary)"]
        if let checksum { fields[Self.checksum] = checksum }
        return fields
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    static func sha1(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha1sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(40).description
    }

    static func checkUploads(_ setup: TestingSetup) async throws {
        let folder = NSTemporaryDirectory() + "mediad-upload-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = try Library(at: folder)
        let key = try library.createAPIKey(for: library.defaultOwner, name: "test").secret
        let alice = try library.addUser(name: "alice")
        let aliceKey = try library.createAPIKey(for: alice.id, name: "test").secret
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.logLevel = .warning
        configuration.maxUploadBytes = 2 << 20
        let app = try buildApplication(library: library, configuration: configuration)
        let photo = Corpus.path("media/exif-samples/jpg/Canon_40D.jpg")
        let other = Corpus.path("media/exif-samples/jpg/Canon_DIGITAL_IXUS_400.jpg")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: photo)))
        let otherBytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: other)))
        let sha1 = try Self.sha1(photo)
        @Sendable func count() throws -> Int {
            var n = 0
            try library.forEachAsset { _ in n += 1; return true }
            return n
        }

        try await app.test(setup) { client in
            var created = ""
            try await client.execute(uri: "/api/assets", method: .post, headers: Self.headers(key, checksum: sha1),
                                     body: Self.form(bytes, filename: "Canon_40D.jpg")) { response in
                #expect(response.status == .created)
                let body = try Self.json(response)
                #expect(body["status"] as? String == "created")
                created = body["id"] as? String ?? ""
            }
            let asset = try #require(try library.asset(matching: created))
            #expect(asset.originalFilename == "Canon_40D.jpg" && asset.fileCreatedAt == AssetRoutes.date("2021-06-01T08:30:00.000Z"))
            try await client.execute(uri: "/api/assets", method: .post, headers: Self.headers(key),
                                     body: Self.form(bytes, filename: "again.jpg")) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                #expect(body["status"] as? String == "duplicate" && body["id"] as? String == created)
            }
            // The bulk check: what the user has is rejected as a duplicate, the rest accepted.
            let check = #"{"assets":[{"id":"a","checksum":"\#(sha1)"},{"id":"b","checksum":"\#(String(repeating: "1", count: 40))"}]}"#
            try await client.execute(uri: "/api/assets/bulk-upload-check", method: .post,
                                     headers: [Self.apiKey: key, .contentType: "application/json"], body: ByteBuffer(string: check)) { response in
                #expect(response.status == .ok)
                let results = try #require(try Self.json(response)["results"] as? [[String: Any]])
                #expect(results.count == 2)
                #expect(results[0]["id"] as? String == "a" && results[0]["action"] as? String == "reject"
                        && results[0]["reason"] as? String == "duplicate" && results[0]["assetId"] as? String == created)
                #expect(results[1]["id"] as? String == "b" && results[1]["action"] as? String == "accept")
            }
            // Another user: the same bytes are new for them, and the check accepts them.
            try await client.execute(uri: "/api/assets/bulk-upload-check", method: .post,
                                     headers: [Self.apiKey: aliceKey, .contentType: "application/json"], body: ByteBuffer(string: check)) { response in
                let results = try #require(try Self.json(response)["results"] as? [[String: Any]])
                #expect(results.allSatisfy { $0["action"] as? String == "accept" })
            }
            try await client.execute(uri: "/api/assets", method: .post, headers: Self.headers(aliceKey),
                                     body: Self.form(bytes, filename: "Canon_40D.jpg")) { response in
                #expect(response.status == .created)
                let body = try Self.json(response)
                #expect(body["id"] as? String != created)
            }
            #expect(try count() == 2)

            // Reading it back: the record in Immich's shape, the original with its hash as ETag,
            // cacheable for ever, by ranges; the thumbnails; nothing of it for another user.
            try await client.execute(uri: "/api/assets/\(created)", method: .get, headers: [Self.apiKey: key]) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                #expect(body["id"] as? String == created && body["type"] as? String == "IMAGE")
                #expect(body["deviceId"] as? String == "tests" && body["deviceAssetId"] as? String == "Canon_40D.jpg-1")
                #expect(body["originalFileName"] as? String == "Canon_40D.jpg" && body["fileCreatedAt"] as? String == "2021-06-01T08:30:00Z")
                #expect(body["checksum"] as? String == Data(sha1.hexBytes).base64EncodedString())
                #expect(body["width"] as? Int == 100 && body["height"] as? Int == 68 && body.keys.contains("livePhotoVideoId"))
            }
            try await client.execute(uri: "/api/assets/\(created)/original", method: .get, headers: [Self.apiKey: key]) { response in
                #expect(response.status == .ok && [UInt8](response.body.readableBytesView) == bytes)
                #expect(response.headers[.eTag] == "\"\(asset.hash.sha256)\"" && response.headers[.cacheControl]?.contains("immutable") == true)
                #expect(response.headers[.contentType] == "image/jpeg")
            }
            try await client.execute(uri: "/api/assets/\(created)/original", method: .get,
                                     headers: [Self.apiKey: key, .range: "bytes=100-1099"]) { response in
                #expect(response.status == .partialContent && [UInt8](response.body.readableBytesView) == Array(bytes[100...1099]))
                #expect(response.headers[.contentRange] == "bytes 100-1099/\(bytes.count)")
            }
            try await client.execute(uri: "/api/assets/\(created)/original", method: .get,
                                     headers: [Self.apiKey: key, .range: "bytes=-10"]) { response in
                #expect(response.status == .partialContent && [UInt8](response.body.readableBytesView) == Array(bytes.suffix(10)))
            }
            try await client.execute(uri: "/api/assets/\(created)/original", method: .get,
                                     headers: [Self.apiKey: key, .range: "bytes=\(bytes.count)-"]) { response in
                #expect(response.status == .rangeNotSatisfiable)
            }
            try await client.execute(uri: "/api/assets/\(created)/original", method: .get,
                                     headers: [Self.apiKey: key, .ifNoneMatch: "\"\(asset.hash.sha256)\""]) { response in
                #expect(response.status == .notModified && response.body.readableBytes == 0)
            }
            for (size, type, magic) in [("thumbnail", "image/webp", Array("RIFF".utf8)), ("preview", "image/jpeg", [UInt8(0xFF), 0xD8])] {
                try await client.execute(uri: "/api/assets/\(created)/thumbnail?size=\(size)", method: .get, headers: [Self.apiKey: key]) { response in
                    #expect(response.status == .ok && response.headers[.contentType] == type, "\(size)")
                    #expect(Array(response.body.readableBytesView.prefix(magic.count)) == magic, "\(size)")
                }
            }
            for uri in ["/api/assets/\(created)", "/api/assets/\(created)/original", "/api/assets/\(created)/thumbnail", "/api/assets/not-an-id"] {
                try await client.execute(uri: uri, method: .get, headers: [Self.apiKey: aliceKey]) { response in
                    #expect(response.status == .notFound, "\(uri)")
                }
            }

            // Albums: made with an asset, listed, added to (the user's own assets only), read.
            var albumID = ""
            try await client.execute(uri: "/api/albums", method: .post, headers: [Self.apiKey: key, .contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"albumName":"Trip","assetIds":["\#(created)"]}"#)) { response in
                #expect(response.status == .created)
                let album = try Self.json(response)
                #expect(album["albumName"] as? String == "Trip" && album["assetCount"] as? Int == 1)
                #expect((album["assets"] as? [[String: Any]])?.first?["id"] as? String == created)
                albumID = album["id"] as? String ?? ""
            }
            let alicesAsset = try #require(try library.assets(withSHA1: [sha1], owner: alice.id).values.first)
            try await client.execute(uri: "/api/albums/\(albumID)/assets", method: .put, headers: [Self.apiKey: key, .contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"ids":["\#(created)","\#(alicesAsset)","nonsense"]}"#)) { response in
                #expect(response.status == .ok)
                let results = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(results.map { $0["error"] as? String } == ["duplicate", "not_found", "not_found"])
                #expect(results.allSatisfy { $0["success"] as? Bool == false })
            }
            try await client.execute(uri: "/api/albums", method: .get, headers: [Self.apiKey: key]) { response in
                let albums = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
                #expect(albums.map { $0["albumName"] as? String } == ["Trip"] && albums.first?["assetCount"] as? Int == 1)
            }
            try await client.execute(uri: "/api/albums", method: .get, headers: [Self.apiKey: aliceKey]) { response in
                let albums = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [Any]
                #expect(albums?.isEmpty == true)
            }
            try await client.execute(uri: "/api/albums/\(albumID)", method: .get, headers: [Self.apiKey: aliceKey]) { response in
                #expect(response.status == .notFound)
            }

            // Refused, and nothing stored: a wrong checksum, a path as name, a cut body, too large, no key.
            let refusals: [(String, HTTPFields, ByteBuffer, HTTPResponse.Status)] = [
                ("wrong checksum", Self.headers(key, checksum: String(repeating: "0", count: 40)), Self.form(otherBytes, filename: "x.jpg"), .badRequest),
                ("path as name", Self.headers(key), Self.form(otherBytes, filename: "../../etc/x.jpg"), .badRequest),
                ("cut short", Self.headers(key), Self.form(otherBytes, filename: "x.jpg", cutAfter: 4000), .badRequest),
                ("too large", Self.headers(key), Self.form([UInt8](repeating: 0xFF, count: 3 << 20), filename: "big.jpg"), .contentTooLarge),
                ("not media", Self.headers(key), Self.form(Array("hello".utf8), filename: "x.jpg"), .badRequest),
                ("no key", [.contentType: "multipart/form-data; boundary=\(Self.boundary)"], Self.form(otherBytes, filename: "x.jpg"), .unauthorized),
            ]
            for (what, headers, body, status) in refusals {
                try await client.execute(uri: "/api/assets", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == status, "\(what)")
                    let message = try Self.json(response)["message"] as? String
                    #expect(message?.isEmpty == false, "\(what)")
                }
            }
            #expect(try count() == 2)
            let staging = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/tmp")) ?? []
            #expect(!staging.contains { $0.hasSuffix(".part") }, "\(staging)")
        }
    }

    @Test func overTheRouter() async throws {
        try await Self.checkUploads(.router)
    }

    @Test func overHTTPOnLoopback() async throws {
        try await Self.checkUploads(.live)
    }
}
}
