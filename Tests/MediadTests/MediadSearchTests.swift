import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MediaStore
import NIOCore
import Testing
@testable import mediad

extension MediadSuites {
/// `POST /api/search/metadata` as Immich's clients send it: filters, numbered pages and the
/// cursor, Immich's answer shape (`nextPage` and `nextCursor` present, `null` after the last
/// page), the place named from a position set by hand (`city`, `state`, `country`), 400 for
/// what cannot be answered, and nobody finds another user's assets.
@Suite struct MediadSearchTests {
    /// `count` assets of `owner`: every third a Canon, every fourth a favourite, one a day of
    /// March 2019 from the 1st, every fifth a video.
    static func assets(_ count: Int, owner: UserID) -> [Asset] {
        (0..<count).map { n in
            var m = MediaMetadata(format: n % 5 == 0 ? .mov : .jpeg)
            m.capturedAt = CaptureDate(local: LocalDateTime(year: 2019, month: 3, day: 1 + n % 28, hour: 12, minute: n / 28, second: 0)!,
                                       offsetSeconds: nil, source: "test")
            m.make = n % 3 == 0 ? "Canon" : "Apple"
            m.model = n % 3 == 0 ? "Canon EOS 5D" : "iPhone 8"
            var asset = Asset(id: AssetID(), ownerID: owner, hash: ContentHash.of(Array("\(owner) \(n)".utf8)), size: 10,
                              originalFilename: n % 5 == 0 ? "MVI_\(n).MOV" : "IMG_\(n).JPG", metadata: m)
            asset.isFavorite = n % 4 == 0
            return asset
        }
    }

    static func search(_ client: some TestClientProtocol, key: String, _ body: [String: Any],
                       _ check: @escaping @Sendable (TestResponse) throws -> Void) async throws {
        let data = try JSONSerialization.data(withJSONObject: body)
        try await client.execute(uri: "/api/search/metadata", method: .post,
                                 headers: [MediadAuthTests.apiKey: key, .contentType: "application/json"],
                                 body: ByteBuffer(bytes: data)) { response in try check(response) }
    }

    /// The asset ids of a search answer, and its `nextPage` and `nextCursor` (JSON `null` as nil).
    static func page(_ response: TestResponse) throws -> (ids: [String], nextPage: String?, nextCursor: String?) {
        #expect(response.status == .ok)
        let body = try MediadAuthTests.json(response)
        let assets = try #require(body["assets"] as? [String: Any])
        let albums = try #require(body["albums"] as? [String: Any])
        #expect(albums["total"] as? Int == 0 && (albums["items"] as? [Any])?.isEmpty == true)
        #expect(assets.keys.contains("nextPage") && assets.keys.contains("nextCursor"), "Immich's clients require both keys")
        let items = try #require(assets["items"] as? [[String: Any]])
        #expect(assets["count"] as? Int == items.count)
        return (items.compactMap { $0["id"] as? String }, assets["nextPage"] as? String, assets["nextCursor"] as? String)
    }

    @Test func filtersPagesAndOwnersOverTheRouter() async throws {
        let fixture = try MediadAuthTests.Fixture()
        defer { fixture.remove() }
        let library = fixture.library
        let mine = Self.assets(60, owner: library.defaultOwner)
        try library.addAssets(mine)
        try library.addAssets(Self.assets(20, owner: fixture.alice.id))
        let album = try library.createAlbum(name: "Canons", assets: mine.filter { $0.metadata.make == "Canon" }.prefix(5).map(\.id))
        let key = fixture.adminKey
        // Three in Lisbon, two in Porto, by hand; Alice has one in Lisbon too.
        try library.edit(mine[0..<3].map(\.id), [.location(GPSLocation(latitude: 38.7071, longitude: -9.1355))])
        try library.edit(mine[3..<5].map(\.id), [.location(GPSLocation(latitude: 41.1496, longitude: -8.6109))])
        let hers = try #require(try library.search(AssetQuery(), owner: fixture.alice.id, limit: 1).assets.first)
        try library.edit([hers.id], [.location(GPSLocation(latitude: 38.7071, longitude: -9.1355))], owner: fixture.alice.id)
        let lisbon = try #require(try library.asset(mine[0].id)?.place)
        let porto = try #require(try library.asset(mine[3].id)?.place)
        #expect(lisbon.city != porto.city && lisbon.countryCode == "PT" && porto.countryCode == "PT")

        /// What the library answers for the same filter, newest first.
        func expected(_ change: (inout AssetQuery) -> Void) throws -> [String] {
            var q = AssetQuery()
            change(&q)
            return try library.search(q, limit: 1000).assets.map(\.id.description)
        }
        let canons = try expected { $0.make = "canon" }
        let favouriteVideos = try expected { $0.kind = .video; $0.isFavorite = true }
        let firstWeek = try expected {
            $0.takenFrom = LocalDateTime(year: 2019, month: 3, day: 1, hour: 0, minute: 0, second: 0)
            $0.takenBefore = LocalDateTime(year: 2019, month: 3, day: 8, hour: 0, minute: 0, second: 0)
        }
        let all = try expected { _ in }
        let inAlbum = try expected { $0.albums = [album.id]; $0.order = .oldestFirst }
        let inLisbon = try expected { $0.city = lisbon.city }
        let inPortugal = try expected { $0.country = "PT" }
        #expect(Set(inLisbon) == Set(mine[0..<3].map(\.id.description)) && inPortugal.count == 5)
        let region = porto.region ?? ""
        let inRegion = try expected { $0.region = region }
        #expect(canons.count == 20 && favouriteVideos.count == 3 && firstWeek.count == 18 && inAlbum.count == 5)

        try await fixture.application().test(.router) { client in
            try await Self.search(client, key: key, ["make": "canon", "size": 1000]) { response in
                let page = try Self.page(response)
                #expect(page.ids == canons)
                #expect(page.nextPage == nil && page.nextCursor == nil)
            }
            try await Self.search(client, key: key, ["type": "VIDEO", "isFavorite": true]) { response in
                let ids = try Self.page(response).ids
                #expect(ids == favouriteVideos)
            }
            try await Self.search(client, key: key, ["takenAfter": "2019-03-01T00:00:00.000Z", "takenBefore": "2019-03-08T00:00:00Z"]) { response in
                let ids = try Self.page(response).ids
                #expect(ids == firstWeek)
            }
            try await Self.search(client, key: key, ["albumIds": [album.id.description], "order": "asc"]) { response in
                let ids = try Self.page(response).ids
                #expect(ids == inAlbum)
            }
            try await Self.search(client, key: key, ["originalFileName": "mvi_5"]) { response in
                let ids = try Self.page(response).ids
                #expect(ids.count == 3)   // MVI_5, MVI_50 and MVI_55
            }
            // Numbered pages of 25: 25, 25, 10, then nothing more.
            for (number, range) in [(1, 0..<25), (2, 25..<50), (3, 50..<60)] {
                try await Self.search(client, key: key, ["size": 25, "page": number]) { response in
                    let page = try Self.page(response)
                    #expect(page.ids == Array(all[range]), "page \(number)")
                    let next: String? = number < 3 ? String(number + 1) : nil
                    #expect(page.nextPage == next)
                }
            }
            // The cursor walks the same order.
            var walked: [String] = []
            var cursor: String?
            repeat {
                var body: [String: Any] = ["size": 16]
                if let cursor { body["cursor"] = cursor }
                let box = Box()
                try await Self.search(client, key: key, body) { response in
                    let page = try Self.page(response)
                    box.ids = page.ids
                    box.cursor = page.nextCursor
                }
                walked += box.ids
                cursor = box.cursor
            } while cursor != nil
            #expect(walked == all)
            // Alice sees her 20, none of the administrator's.
            try await Self.search(client, key: fixture.aliceKey.secret, ["size": 1000]) { response in
                let ids = try Self.page(response).ids
                #expect(ids.count == 20 && Set(ids).isDisjoint(with: all))
            }
            // The place named from the position: the whole city name in any case, the region
            // (Immich's state), the country by name or code; Alice's photo in Lisbon is hers.
            try await Self.search(client, key: key, ["city": lisbon.city.lowercased()]) { response in
                let ids = try Self.page(response).ids
                #expect(ids == inLisbon)
            }
            try await Self.search(client, key: key, ["country": lisbon.country, "size": 1000]) { response in
                let ids = try Self.page(response).ids
                #expect(ids == inPortugal)
            }
            if !region.isEmpty {
                try await Self.search(client, key: key, ["state": region]) { response in
                    let ids = try Self.page(response).ids
                    #expect(ids == inRegion && Set(mine[3..<5].map(\.id.description)).isSubset(of: Set(ids)))
                }
            }
            try await Self.search(client, key: key, ["city": lisbon.city, "make": "canon"]) { response in
                let ids = try Self.page(response).ids
                #expect(ids == inLisbon.filter { id in canons.contains(id) })
            }
            try await Self.search(client, key: fixture.aliceKey.secret, ["city": lisbon.city]) { response in
                let ids = try Self.page(response).ids
                #expect(ids == [hers.id.description])
            }
            // What cannot be answered is refused, not widened.
            for body: [String: Any] in [["personIds": [UUID().uuidString]], ["ocr": "exit"], ["tagIds": ["x"]], ["filter": ["isFavorite": ["eq": true]]], ["size": 0], ["size": 5000], ["page": 0], ["cursor": "bogus"],
                                         ["takenAfter": "yesterday"], ["type": "PHOTO"], ["albumIds": ["x"]]] {
                let text = "\(body)"
                try await Self.search(client, key: key, body) { response in
                    #expect(response.status == .badRequest, "\(text)")
                }
            }
            try await Self.search(client, key: "wrong", [:]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    /// Carries values out of a response closure.
    final class Box: @unchecked Sendable {
        var ids: [String] = []
        var cursor: String?
    }
}
}
