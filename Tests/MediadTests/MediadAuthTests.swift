import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MediaStore
import NIOCore
import Testing
@testable import mediad

extension MediadSuites {
/// `mediad`'s server routes and API keys, through the router and over real HTTP on loopback:
/// only ping, version and media types are public (as in Immich), a key is taken from `x-api-key` or `Authorization: Bearer`, an unknown
/// or revoked key gets Immich's 401, and `/api/users/me` is the key's owner.
@Suite struct MediadAuthTests {
    static let apiKey = HTTPField.Name("x-api-key")!

    /// A library in a temporary folder with a second user, and a key for each user.
    struct Fixture {
        let folder: String
        let library: Library
        let alice: User
        let adminKey: String
        let aliceKey: NewAPIKey

        init() throws {
            folder = NSTemporaryDirectory() + "mediad-test-" + UUID().uuidString
            library = try Library(at: folder)
            alice = try library.addUser(name: "alice", email: "alice@example.org")
            adminKey = try library.createAPIKey(for: library.defaultOwner, name: "admin").secret
            aliceKey = try library.createAPIKey(for: alice.id, name: "alice's phone")
        }

        func application() throws -> some ApplicationProtocol {
            var configuration = ServerConfiguration()
            configuration.port = 0
            configuration.logLevel = .warning
            return try buildApplication(library: library, configuration: configuration)
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return try #require(object as? [String: Any])
    }

    static func checkAuthentication(_ setup: TestingSetup) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.application().test(setup) { client in
            // Public, as in Immich (its clients call them without a key): ping, version, media types.
            try await client.execute(uri: "/api/server/ping", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                #expect(body["res"] as? String == "pong")
            }
            for uri in ["/api/server/version", "/api/server/media-types"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                }
            }
            // Everything else needs a key.
            for uri in ["/api/server/about", "/api/users/me", "/api/albums", "/api/assets/\(UUID())"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    let body = try Self.json(response)
                    #expect(body["statusCode"] as? Int == 401 && body["message"] as? String == "Authentication required")
                }
                try await client.execute(uri: uri, method: .get, headers: [Self.apiKey: "not-a-key"]) { response in
                    #expect(response.status == .unauthorized, "\(uri)")
                    let body = try Self.json(response)
                    #expect(body["message"] as? String == "Invalid API key")
                }
                try await client.execute(uri: uri, method: .get, headers: [Self.apiKey: fixture.adminKey]) { response in
                    // Let through: 200, or the route's own 404 for an asset that does not exist.
                    #expect(response.status == (uri.hasPrefix("/api/assets/") ? .notFound : .ok), "\(uri)")
                }
            }
            // Whose key it is decides who "me" is, in either header.
            try await client.execute(uri: "/api/users/me", method: .get, headers: [Self.apiKey: fixture.aliceKey.secret]) { response in
                let me = try Self.json(response)
                #expect(me["id"] as? String == fixture.alice.id.description && me["name"] as? String == "alice")
                #expect(me["email"] as? String == "alice@example.org" && me["isAdmin"] as? Bool == false)
                #expect(me.keys.contains("deletedAt") && me["status"] as? String == "active")
            }
            try await client.execute(uri: "/api/users/me", method: .get, headers: [.authorization: "Bearer \(fixture.adminKey)"]) { response in
                let me = try Self.json(response)
                #expect(me["id"] as? String == fixture.library.defaultOwner.description && me["isAdmin"] as? Bool == true)
            }
            try await client.execute(uri: "/api/server/media-types", method: .get, headers: [Self.apiKey: fixture.adminKey]) { response in
                let types = try Self.json(response)
                #expect((types["image"] as? [String])?.contains(".heic") == true && (types["video"] as? [String])?.contains(".mov") == true)
                #expect(types["sidecar"] as? [String] == [".xmp"])
            }
            try await client.execute(uri: "/api/server/version", method: .get, headers: [Self.apiKey: fixture.adminKey]) { response in
                let version = try Self.json(response)
                #expect(version["major"] as? Int == 2 && version["minor"] is Int && version["patch"] is Int)
            }
            // A revoked key is refused from the next request on.
            #expect(try fixture.library.revokeAPIKey(fixture.aliceKey.key.id))
            try await client.execute(uri: "/api/users/me", method: .get, headers: [Self.apiKey: fixture.aliceKey.secret]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func overTheRouter() async throws {
        try await Self.checkAuthentication(.router)
    }

    @Test func overHTTPOnLoopback() async throws {
        try await Self.checkAuthentication(.live)
    }
}
}
