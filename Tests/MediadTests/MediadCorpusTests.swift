import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
/// The end-to-end run over real HTTP on loopback: the whole corpus uploaded, then again (all
/// duplicates), the timeline as the library has it, thumbnails, an album, the duplicates page,
/// the trash, and another user's view of all of it.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct MediadCorpusTests {
    static let apiKey = HTTPField.Name("x-api-key")!

    static func json(_ response: PatientClient.Answer) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
    }

    @Test func theCorpusOverHTTP() async throws {
        let folder = NSTemporaryDirectory() + "mediad-corpus-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = try Library(at: folder)
        let key = try library.createAPIKey(for: library.defaultOwner, name: "test").secret
        let alice = try library.addUser(name: "alice")
        let aliceKey = try library.createAPIKey(for: alice.id, name: "test").secret
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.logLevel = .warning
        let app = try buildApplication(library: library, configuration: configuration)
        let files = (FileManager.default.enumerator(atPath: Corpus.path("media"))?.allObjects as? [String] ?? [])
            .map { Corpus.path("media/" + $0) }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }
            .sorted()
        #expect(files.count > 200)

        try await app.test(.live) { live in
            let client = PatientClient(port: try #require(live.port))
            func upload(_ path: String, key: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                let boundary = "corpus-\(UUID())"
                let body = UploadFormFixture.body(fields: [("deviceId", "tests"), ("deviceAssetId", "\(path.hashValue)")],
                                                  filename: (path as NSString).lastPathComponent,
                                                  bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), boundary: boundary)
                return try await client.execute(uri: "/api/assets", method: .post,
                                                headers: [Self.apiKey: key, .contentType: "multipart/form-data; boundary=\(boundary)"],
                                                body: body) { response in
                    (response.status, (try? Self.json(response) as? [String: Any]) ?? [:])
                }
            }
            // First pass: every file is created, a duplicate of an earlier one, or refused with a reason.
            var created: [String: String] = [:], accepted: [String: String] = [:], refused: [String] = []
            for path in files {
                let (status, body) = try await upload(path, key: key)
                switch status {
                case .created: created[path] = body["id"] as? String; accepted[path] = body["id"] as? String
                case .ok: accepted[path] = body["id"] as? String
                case .badRequest:
                    #expect((body["message"] as? String)?.isEmpty == false, "\(path)")
                    refused.append(path)
                default: Issue.record("\(path): \(status)")
                }
            }
            #expect(created.count + (accepted.count - created.count) + refused.count == files.count)
            #expect(refused.count <= 5, "\(refused)")
            var assetCount = 0
            try library.forEachAsset { _ in assetCount += 1; return true }
            #expect(assetCount == created.count && Set(accepted.values).count == created.count)

            // Second pass: nothing new; each file answers with the asset it made.
            for path in accepted.keys.sorted().prefix(60) {
                let (status, body) = try await upload(path, key: key)
                #expect(status == .ok && body["status"] as? String == "duplicate" && body["id"] as? String == accepted[path], "\(path)")
            }

            // The timeline: the library's buckets, and a bucket's contents.
            let expected = try library.timeline()
            try await client.execute(uri: "/api/timeline/buckets", method: .get, headers: [Self.apiKey: key]) { response in
                let buckets = try #require(try Self.json(response) as? [[String: Any]])
                #expect(buckets.map { "\($0["timeBucket"] ?? "")=\($0["count"] ?? "")" } == expected.map { "\($0.month)-01=\($0.count)" })
            }
            let month = try #require(expected.first)
            try await client.execute(uri: "/api/timeline/bucket?timeBucket=\(month.month)-01T00:00:00.000Z", method: .get,
                                     headers: [Self.apiKey: key]) { response in
                let bucket = try #require(try Self.json(response) as? [String: Any])
                #expect((bucket["id"] as? [String])?.count == month.count && (bucket["ratio"] as? [Double])?.count == month.count)
            }

            // Thumbnails of the photos; another user sees none of it.
            let someIDs = Array(Set(created.values)).sorted().prefix(25)
            var painted = 0
            for id in someIDs {
                try await client.execute(uri: "/api/assets/\(id)/thumbnail", method: .get, headers: [Self.apiKey: key]) { response in
                    #expect(response.status == .ok || response.status == .notFound)
                    if response.status == .ok, Array(response.body.readableBytesView.prefix(4)) == Array("RIFF".utf8) { painted += 1 }
                }
                try await client.execute(uri: "/api/assets/\(id)/thumbnail", method: .get, headers: [Self.apiKey: aliceKey]) { response in
                    #expect(response.status == .notFound)
                }
            }
            #expect(painted >= 20)

            // An album of ten; the duplicates page as the library groups them.
            let ten = someIDs.prefix(10).map { "\"\($0)\"" }.joined(separator: ",")
            try await client.execute(uri: "/api/albums", method: .post, headers: [Self.apiKey: key, .contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"albumName":"Ten","assetIds":[\#(ten)]}"#)) { response in
                let album = try #require(try Self.json(response) as? [String: Any])
                #expect(response.status == .created && album["assetCount"] as? Int == 10)
            }
            let groups = try library.nearDuplicateGroups()
            try await client.execute(uri: "/api/duplicates", method: .get, headers: [Self.apiKey: key]) { response in
                let answer = try #require(try Self.json(response) as? [[String: Any]])
                #expect(answer.count == groups.count && !groups.isEmpty)
                #expect(answer.map { ($0["assets"] as? [Any])?.count ?? 0 } == groups.map(\.assets.count))
            }
            try await client.execute(uri: "/api/duplicates", method: .get, headers: [Self.apiKey: aliceKey]) { response in
                let answer = try Self.json(response) as? [Any]
                #expect(answer?.isEmpty == true)
            }

            // Metadata search: Canon photos as the library finds them; the whole timeline page by
            // page through the cursor; nothing of the administrator's for Alice.
            var canonQuery = AssetQuery()
            canonQuery.make = "Canon"
            let canons = try library.search(canonQuery, limit: 1000).assets.map(\.id.description)
            try await client.execute(uri: "/api/search/metadata", method: .post, headers: [Self.apiKey: key, .contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"make":"canon","size":1000}"#)) { response in
                let assets = try #require((try Self.json(response) as? [String: Any])?["assets"] as? [String: Any])
                #expect(canons.count > 5 && (assets["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == canons)
            }
            var walked: [String] = [], cursor: String?
            repeat {
                let body = cursor.map { #"{"size":50,"cursor":"\#($0)"}"# } ?? #"{"size":50}"#
                let assets = try await client.execute(uri: "/api/search/metadata", method: .post,
                                                      headers: [Self.apiKey: key, .contentType: "application/json"],
                                                      body: ByteBuffer(string: body)) { response in
                    try #require((try Self.json(response) as? [String: Any])?["assets"] as? [String: Any])
                }
                walked += (assets["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = assets["nextCursor"] as? String
            } while cursor != nil && walked.count < 10_000
            #expect(walked == (try library.search(AssetQuery(), limit: 1000).assets.map(\.id.description)) && walked.count > 200)
            try await client.execute(uri: "/api/search/metadata", method: .post, headers: [Self.apiKey: aliceKey, .contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"make":"canon"}"#)) { response in
                let assets = try #require((try Self.json(response) as? [String: Any])?["assets"] as? [String: Any])
                #expect((assets["items"] as? [Any])?.isEmpty == true)
            }

            // The native "more like this": the library's own answer, the asset left out; nobody else's.
            let probe = try #require(someIDs.first.flatMap(AssetID.init))
            let like = try library.similar(to: probe, k: 5)
            try await client.execute(uri: "/api/mediakit/assets/\(probe)/similar?k=5", method: .get, headers: [Self.apiKey: key]) { response in
                let answer = try #require(try Self.json(response) as? [[String: Any]])
                #expect(answer.compactMap { ($0["asset"] as? [String: Any])?["id"] as? String } == like.map(\.asset.id.description))
                #expect(answer.count == 5 && answer.allSatisfy { ($0["score"] as? Double ?? 2) <= 1.0001 })
            }
            try await client.execute(uri: "/api/mediakit/assets/\(probe)/similar", method: .get, headers: [Self.apiKey: aliceKey]) { response in
                #expect(response.status == .notFound)
            }

            // The trash: out of the timeline; another user's delete changes nothing.
            let inMonth = try library.assets(inMonth: month.month)
            let victim = try #require(inMonth.first)
            let ids = #"{"ids":["\#(victim.id)"]}"#
            try await client.execute(uri: "/api/assets", method: .delete, headers: [Self.apiKey: aliceKey, .contentType: "application/json"],
                                     body: ByteBuffer(string: ids)) { response in
                #expect(response.status == .noContent)
            }
            #expect(try library.asset(victim.id)?.trashedAt == nil)
            try await client.execute(uri: "/api/assets", method: .delete, headers: [Self.apiKey: key, .contentType: "application/json"],
                                     body: ByteBuffer(string: ids)) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/assets/\(victim.id)", method: .get, headers: [Self.apiKey: key]) { response in
                let asset = try #require(try Self.json(response) as? [String: Any])
                #expect(asset["isTrashed"] as? Bool == true)
            }
            #expect(try library.timeline().first { $0.month == month.month }?.count ?? 0 == month.count - 1)
        }
    }
}
}

/// Requests over real HTTP with a generous timeout: HummingbirdTesting's live client gives up
/// after 20 s without a read, and a big original decoded by a debug build on a loaded 2-core CI
/// machine can take longer than that.
struct PatientClient {
    let port: Int

    struct Answer {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: ByteBuffer
    }

    @discardableResult
    func execute<T>(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
                    _ check: (Answer) async throws -> T) async throws -> T {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(uri)")), timeoutInterval: 600)
        request.httpMethod = method.rawValue
        for field in headers { request.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        if let body { request.httpBody = Data(body.readableBytesView) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields = HTTPFields()
        for (name, value) in http.allHeaderFields {
            if let name = (name as? String).flatMap({ HTTPField.Name($0) }), let value = value as? String { fields[name] = value }
        }
        return try await check(Answer(status: HTTPResponse.Status(code: http.statusCode), headers: fields, body: ByteBuffer(bytes: data)))
    }
}
