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
/// Organising over Immich's routes (issue 7), through the router: edits by `PUT /api/assets`
/// and `PUT /api/assets/{id}` (favourite, visibility, rating, description, capture time,
/// position) and what the answer's `exifInfo` says then; the trash (restore, empty, `force`)
/// and which originals go; album changes; tags; search by place, description and tag; another
/// user's ids are 404 or `not_found`; bad input is a 400 with a message and changes nothing.
@Suite struct MediadOrganizeTests {
    static let apiKey = HTTPField.Name("x-api-key")!

    /// A 16×12 JPEG (654 bytes): small enough to keep here, real enough to upload.
    static let jpeg = [UInt8](Data(base64Encoded: """
        /9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZGNywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDJ8iT+7+oq5RRXHisbUxNudLTsezhcHTw1+RvXuf/Z
        """, options: .ignoreUnknownCharacters)!)

    /// The JPEG with other bytes (its JFIF density), so another original.
    static var otherJPEG: [UInt8] {
        var bytes = jpeg
        bytes[15] = 2
        return bytes
    }

    /// A response's status and JSON body.
    struct Answer {
        let status: HTTPResponse.Status
        let json: Any?
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var message: String? { object["message"] as? String ?? (object["error"] as? [String: Any])?["message"] as? String }
    }

    /// `method uri` with `key`, and `body` as JSON.
    static func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, key: String,
                     _ body: Any? = nil) async throws -> Answer {
        var headers: HTTPFields = [apiKey: key]
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body, options: [.fragmentsAllowed]))
        }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: buffer)
        let data = Data(response.body.readableBytesView)
        return Answer(status: response.status, json: data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }

    /// Uploads `bytes` as Immich's clients do; the new asset's id.
    static func upload(_ client: some TestClientProtocol, key: String, _ bytes: [UInt8], name: String) async throws -> AssetID {
        let boundary = "organize-\(UUID())"
        let body = UploadFormFixture.body(fields: [("deviceAssetId", name), ("deviceId", "tests"), ("fileCreatedAt", "2021-06-01T08:30:00.000Z"),
                                                   ("fileModifiedAt", "2021-06-01T08:30:00.000Z")],
                                          filename: name, bytes: bytes, boundary: boundary)
        let response = try await client.execute(uri: "/api/assets", method: .post,
                                                headers: [apiKey: key, .contentType: "multipart/form-data; boundary=\(boundary)"], body: body)
        #expect(response.status == .created)
        let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
        return try #require((json?["id"] as? String).flatMap { AssetID($0) })
    }

    /// `count` assets of `owner` taken on 1 March 2019 at noon (no offset), without originals.
    static func assets(_ count: Int, owner: UserID) -> [Asset] {
        (0..<count).map { n in
            var m = MediaMetadata(format: .jpeg)
            m.capturedAt = CaptureDate(local: LocalDateTime(year: 2019, month: 3, day: 1, hour: 12, minute: n, second: 0)!, offsetSeconds: nil, source: "test")
            return Asset(id: AssetID(), ownerID: owner, hash: ContentHash.of(Array("organize \(owner) \(n)".utf8)), size: 10,
                         originalFilename: "IMG_\(n).JPG", metadata: m)
        }
    }

    /// `mine` assets of the admin and one of Alice's, added to the fixture's library.
    static func addAssets(mine count: Int, to fixture: MediadAuthTests.Fixture) throws -> (mine: [Asset], theirs: [Asset]) {
        let mine = assets(count, owner: fixture.library.defaultOwner)
        let theirs = assets(1, owner: fixture.alice.id)
        try fixture.library.addAssets(mine + theirs)
        return (mine, theirs)
    }

    static func date(_ value: Any?) -> Date? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    @Test func editsOverTheRouter() async throws {
        let fixture = try MediadAuthTests.Fixture()
        defer { fixture.remove() }
        let library = fixture.library
        let (mine, theirs) = try Self.addAssets(mine: 4, to: fixture)
        let key = fixture.adminKey
        let (a0, a1, a2, a3, b0) = (mine[0].id, mine[1].id, mine[2].id, mine[3].id, theirs[0].id)

        try await fixture.application().test(.router) { client in
            // One asset: everything at once, the answer shows it.
            let edited = try await Self.call(client, .put, "/api/assets/\(a0)", key: key, [
                "isFavorite": true, "rating": 4, "description": "Sunset over the Tagus", "dateTimeOriginal": "2019-07-14T20:41:00.000+01:00",
                "latitude": 38.7071, "longitude": -9.1355,
            ])
            #expect(edited.status == .ok)
            let asset = try #require(try library.asset(a0))
            let place = try #require(asset.place, "a position in Lisbon names a place")
            let exif = try #require(edited.object["exifInfo"] as? [String: Any])
            #expect(edited.object["id"] as? String == a0.description && edited.object["isFavorite"] as? Bool == true)
            #expect(exif["rating"] as? Int == 4 && exif["description"] as? String == "Sunset over the Tagus")
            #expect(exif["latitude"] as? Double == 38.7071 && exif["longitude"] as? Double == -9.1355)
            #expect(exif["city"] as? String == place.city && exif["country"] as? String == place.country && place.countryCode == "PT")
            #expect(exif["state"] as? String == place.region)
            #expect(Self.date(exif["dateTimeOriginal"]) == Date(timeIntervalSince1970: 1_563_133_260))   // 19:41 UTC
            #expect(exif["timeZone"] as? String == "Europe/Lisbon")
            #expect((edited.object["localDateTime"] as? String)?.hasPrefix("2019-07-14T20:41:00") == true)
            #expect((edited.object["tags"] as? [Any])?.isEmpty == true)
            #expect(asset.isFavorite && asset.metadata.rating == 4 && asset.metadata.capturedAt?.offsetSeconds == 3600)
            #expect(try library.editedFields(of: a0) == [.rating, .description, .capturedAt, .location])

            // A capture time in UTC, then without an offset: the position's zone gives it.
            _ = try await Self.call(client, .put, "/api/assets/\(a0)", key: key, ["dateTimeOriginal": "2019-01-10T10:00:00Z"])
            #expect(try library.asset(a0)?.metadata.capturedAt?.offsetSeconds == 0)
            let zoned = try await Self.call(client, .put, "/api/assets/\(a0)", key: key, ["dateTimeOriginal": "2019-07-14T20:41:00"])
            #expect(try library.asset(a0)?.metadata.capturedAt?.offsetSeconds == 3600, "Lisbon in summer")
            #expect(Self.date((zoned.object["exifInfo"] as? [String: Any])?["dateTimeOriginal"]) == Date(timeIntervalSince1970: 1_563_133_260))

            // Null clears the rating; rejected (-1) is kept, and left out of Immich's 1-5 field.
            let cleared = try await Self.call(client, .put, "/api/assets/\(a0)", key: key, ["rating": NSNull()])
            #expect(cleared.status == .ok && (cleared.object["exifInfo"] as? [String: Any])?["rating"] == nil)
            #expect(try library.asset(a0)?.metadata.rating == nil)
            let rejected = try await Self.call(client, .put, "/api/assets/\(a1)", key: key, ["rating": -1])
            #expect(rejected.status == .ok && (rejected.object["exifInfo"] as? [String: Any])?["rating"] == nil)
            #expect(try library.asset(a1)?.metadata.rating == -1)

            // Several at once: 204, archived and favourites.
            let bulk = try await Self.call(client, .put, "/api/assets", key: key, ["ids": [a1.description, a2.description], "visibility": "archive", "isFavorite": true])
            #expect(bulk.status == .noContent)
            for id in [a1, a2] {
                let changed = try #require(try library.asset(id))
                #expect(changed.visibility == .archive && changed.isFavorite)
            }
            let back = try await Self.call(client, .get, "/api/assets/\(a1)", key: key)
            #expect(back.object["isArchived"] as? Bool == true && back.object["visibility"] as? String == "archive")
            _ = try await Self.call(client, .put, "/api/assets", key: key, ["ids": [a1.description], "visibility": "timeline", "description": "Back"])
            #expect(try library.asset(a1)?.visibility == .timeline && library.asset(a1)?.metadata.caption == "Back")

            // Immich's shift in minutes (a camera whose clock was wrong): each asset's own time
            // moves, its offset stays, and the shift is locked as an edit.
            let times = try [a0, a2].map { try #require(try library.asset($0)?.metadata.capturedAt) }
            let shifted = try await Self.call(client, .put, "/api/assets", key: key, ["ids": [a0.description, a2.description], "dateTimeRelative": -90])
            #expect(shifted.status == .noContent)
            for (id, time) in zip([a0, a2], times) {
                let now = try #require(try library.asset(id)?.metadata.capturedAt)
                #expect(now.local.secondsSinceEpochAsUTC == time.local.secondsSinceEpochAsUTC - 5400 && now.offsetSeconds == time.offsetSeconds)
                #expect(try library.editedFields(of: id).contains(.capturedAt))
            }

            // Bad input: 400 with a message, and nothing changed (not even the valid fields).
            let before = try library.asset(a3)
            let bad: [[String: Any]] = [
                ["isFavorite": true, "rating": 6], ["isFavorite": true, "latitude": 91, "longitude": 0], ["latitude": 10],
                ["isFavorite": true, "dateTimeOriginal": "yesterday"], ["visibility": "locked"], ["visibility": "bogus"],
                ["isFavorite": true, "dateTimeRelative": 60, "dateTimeOriginal": "2019-07-14T20:41:00"], ["timeZone": "Europe/Lisbon"], ["rating": "five"], ["dateTimeRelative": Int.min],
            ]
            for body in bad {
                let text = "\(body)"
                let one = try await Self.call(client, .put, "/api/assets/\(a3)", key: key, body)
                #expect(one.status == .badRequest && one.message?.isEmpty == false, "\(text): \(one.status) \(one.message ?? "")")
                let many = try await Self.call(client, .put, "/api/assets", key: key, body.merging(["ids": [a3.description]]) { $1 })
                #expect(many.status == .badRequest, "\(text)")
            }
            for body: [String: Any] in [["isFavorite": true], ["ids": ["not-a-uuid"], "isFavorite": true]] {
                let answer = try await Self.call(client, .put, "/api/assets", key: key, body)
                #expect(answer.status == .badRequest && answer.message?.isEmpty == false)
            }
            #expect(try library.asset(a3) == before)

            // Another user's asset: 404, alone or among the user's own (and nothing changed).
            #expect(try await Self.call(client, .put, "/api/assets/\(b0)", key: key, ["isFavorite": true]).status == .notFound)
            let mixed = try await Self.call(client, .put, "/api/assets", key: key, ["ids": [a3.description, b0.description], "isFavorite": true])
            #expect(mixed.status == .notFound)
            #expect(try library.asset(a3)?.isFavorite == false && library.asset(b0)?.isFavorite == false)
            #expect(try await Self.call(client, .get, "/api/assets/\(a0)", key: fixture.aliceKey.secret).status == .notFound)

            // Search by the place, the description and MediaKit's free text.
            let found: [(String, [String: Any])] = [
                ("city", ["city": place.city.uppercased()]), ("country", ["country": place.country]), ("country code", ["country": "pt"]),
                ("description", ["description": "OVER THE tag"]), ("text", ["text": "sunset tagus"]),
            ]
            for (name, body) in found {
                let answer = try await Self.call(client, .post, "/api/search/metadata", key: key, body)
                let items = ((answer.object["assets"] as? [String: Any])?["items"] as? [[String: Any]]) ?? []
                #expect(answer.status == .ok && items.compactMap { $0["id"] as? String } == [a0.description], "\(name)")
            }
            let nowhere = try await Self.call(client, .post, "/api/search/metadata", key: key, ["city": "Atlantis"])
            #expect(((nowhere.object["assets"] as? [String: Any])?["items"] as? [Any])?.isEmpty == true)
            // Alice finds none of it.
            let hers = try await Self.call(client, .post, "/api/search/metadata", key: fixture.aliceKey.secret, ["city": place.city])
            #expect(((hers.object["assets"] as? [String: Any])?["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func trashRestoreAndEmpty() async throws {
        let fixture = try MediadAuthTests.Fixture()
        defer { fixture.remove() }
        let library = fixture.library
        let key = fixture.adminKey, aliceKey = fixture.aliceKey.secret

        try await fixture.application().test(.router) { client in
            // The same bytes for the administrator and Alice (one object), and another file.
            let shared = try await Self.upload(client, key: key, Self.jpeg, name: "shared.jpg")
            let hers = try await Self.upload(client, key: aliceKey, Self.jpeg, name: "shared.jpg")
            let own = try await Self.upload(client, key: key, Self.otherJPEG, name: "own.jpg")
            let sharedObject = try #require(try library.asset(shared)).hash.sha256
            let ownObject = try #require(try library.asset(own)).hash.sha256
            #expect(sharedObject != ownObject && library.blobs.localPath(of: sharedObject) != nil && library.blobs.localPath(of: ownObject) != nil)

            func trash(_ key: String) async throws -> [String] {
                let answer = try await Self.call(client, .get, "/api/mediakit/trash", key: key)
                #expect(answer.status == .ok)
                return answer.array.compactMap { $0["id"] as? String }
            }
            let both = ["ids": [shared.description, own.description]]
            #expect(try await Self.call(client, .delete, "/api/assets", key: key, both).status == .noContent)
            let trashed = try await trash(key), trashedByAlice = try await trash(aliceKey)
            #expect(Set(trashed) == [shared.description, own.description] && trashedByAlice.isEmpty)
            let listed = try await Self.call(client, .get, "/api/mediakit/trash", key: key)
            #expect(listed.array.allSatisfy { $0["isTrashed"] as? Bool == true })

            // Alice can restore none of them; the administrator one, then the rest.
            let notHers = try await Self.call(client, .post, "/api/trash/restore/assets", key: aliceKey, both)
            #expect(notHers.status == .ok && notHers.object["count"] as? Int == 0)
            let one = try await Self.call(client, .post, "/api/trash/restore/assets", key: key, ["ids": [shared.description]])
            #expect(one.status == .ok && one.object["count"] as? Int == 1)
            #expect(try await trash(key) == [own.description])
            let rest = try await Self.call(client, .post, "/api/trash/restore", key: key)
            let left = try await trash(key)
            #expect(rest.status == .ok && rest.object["count"] as? Int == 1 && left.isEmpty)
            #expect(try await Self.call(client, .post, "/api/trash/restore/assets", key: key, ["ids": ["nope"]]).status == .badRequest)

            // Emptied: both assets gone; the shared original stays for Alice's asset.
            _ = try await Self.call(client, .delete, "/api/assets", key: key, both)
            let emptied = try await Self.call(client, .post, "/api/trash/empty", key: key)
            #expect(emptied.status == .ok && emptied.object["count"] as? Int == 2)
            #expect(try library.asset(shared) == nil && library.asset(own) == nil)
            #expect(try await Self.call(client, .get, "/api/assets/\(shared)", key: key).status == .notFound)
            #expect(library.blobs.localPath(of: ownObject) == nil && library.blobs.localPath(of: sharedObject) != nil)
            #expect(try library.asset(hers) != nil)

            // `force`: removed for good at once; the last asset of the original takes it along.
            let forced = try await Self.call(client, .delete, "/api/assets", key: aliceKey, ["ids": [hers.description], "force": true])
            #expect(forced.status == .noContent)
            #expect(try library.asset(hers) == nil && library.blobs.localPath(of: sharedObject) == nil)
            #expect(try await Self.call(client, .post, "/api/trash/empty", key: aliceKey).object["count"] as? Int == 0)
            #expect(try await Self.call(client, .delete, "/api/assets", key: key, ["ids": ["nope"]]).status == .badRequest)
        }
    }

    @Test func expiredTrashIsEmptiedAtStartup() async throws {
        let folder = NSTemporaryDirectory() + "mediad-purge-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var settings = LibraryConfiguration()
        settings.trashRetentionDays = 0
        let library = try Library(at: folder, configuration: settings)
        let file = try library.makeUploadFile()
        try Data(Self.jpeg).write(to: URL(fileURLWithPath: file))
        guard case .created(let id) = try library.addUpload(at: file, info: UploadInfo(filename: "old.jpg"), owner: library.defaultOwner) else {
            Issue.record("not created")
            return
        }
        let kept = try #require(try library.asset(id)).hash.sha256
        try library.trash([id])
        try await Task.sleep(for: .milliseconds(20))
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.logLevel = .warning
        try await buildApplication(library: library, configuration: configuration).test(.router) { _ in
            var waited = 0
            while try library.asset(id) != nil, waited < 100 {
                try await Task.sleep(for: .milliseconds(50))
                waited += 1
            }
        }
        #expect(try library.asset(id) == nil && library.blobs.localPath(of: kept) == nil)
    }

    @Test func albumsOverTheRouter() async throws {
        let fixture = try MediadAuthTests.Fixture()
        defer { fixture.remove() }
        let library = fixture.library
        let (mine, theirs) = try Self.addAssets(mine: 4, to: fixture)
        let album = try library.createAlbum(name: "Trip", assets: mine.prefix(3).map(\.id))
        let key = fixture.adminKey, aliceKey = fixture.aliceKey.secret
        let uri = "/api/albums/\(album.id)"

        try await fixture.application().test(.router) { client in
            let patched = try await Self.call(client, .patch, uri, key: key, [
                "albumName": "Lisbon 2019", "description": "Summer", "albumThumbnailAssetId": mine[2].id.description,
            ])
            #expect(patched.status == .ok)
            #expect(patched.object["albumName"] as? String == "Lisbon 2019" && patched.object["description"] as? String == "Summer")
            #expect(patched.object["albumThumbnailAssetId"] as? String == mine[2].id.description && patched.object["assetCount"] as? Int == 3)
            for body: [String: Any] in [["albumName": "  "], ["albumThumbnailAssetId": mine[3].id.description], ["albumThumbnailAssetId": "x"],
                                        ["order": "asc"], ["isActivityEnabled": true]] {
                let text = "\(body)"
                let answer = try await Self.call(client, .patch, uri, key: key, body)
                #expect(answer.status == .badRequest && answer.message?.isEmpty == false, "\(text)")
            }
            #expect(try library.album(album.id)?.name == "Lisbon 2019" && library.album(album.id)?.coverAssetID == mine[2].id)
            #expect(try await Self.call(client, .patch, uri, key: aliceKey, ["albumName": "Mine"]).status == .notFound)

            // Out of the album: the user's asset in it; not_found for the others.
            let removed = try await Self.call(client, .delete, "\(uri)/assets", key: key,
                                              ["ids": [mine[0].id.description, mine[3].id.description, theirs[0].id.description]])
            #expect(removed.status == .ok)
            #expect(removed.array.map { $0["success"] as? Bool ?? false } == [true, false, false])
            #expect(removed.array.dropFirst().allSatisfy { $0["error"] as? String == "not_found" })
            #expect(try library.assets(inAlbum: album.id).count == 2 && library.asset(mine[0].id) != nil)
            #expect(try await Self.call(client, .delete, "\(uri)/assets", key: aliceKey, ["ids": [mine[1].id.description]]).status == .notFound)

            // Deleted: the album, not its assets; not by another user.
            #expect(try await Self.call(client, .delete, uri, key: aliceKey).status == .notFound)
            #expect(try await Self.call(client, .delete, uri, key: key).status == .noContent)
            #expect(try await Self.call(client, .get, uri, key: key).status == .notFound)
            #expect(try library.album(album.id) == nil && library.asset(mine[1].id) != nil)
        }
    }

    @Test func tagsOverTheRouter() async throws {
        let fixture = try MediadAuthTests.Fixture()
        defer { fixture.remove() }
        let library = fixture.library
        let (mine, theirs) = try Self.addAssets(mine: 3, to: fixture)
        let key = fixture.adminKey, aliceKey = fixture.aliceKey.secret
        let (a0, a1, a2, b0) = (mine[0].id.description, mine[1].id.description, mine[2].id.description, theirs[0].id.description)

        try await fixture.application().test(.router) { client in
            let travel = try await Self.call(client, .post, "/api/tags", key: key, ["name": "travel"])
            #expect(travel.status == .created && travel.object["value"] as? String == "travel" && travel.object["name"] as? String == "travel")
            let travelID = try #require(travel.object["id"] as? String)
            #expect(travelID.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "a version-4 UUID")
            #expect(travelID == TagIdentity.id(owner: library.defaultOwner, path: "travel").uuidString.lowercased())
            let portugal = try await Self.call(client, .post, "/api/tags", key: key, ["name": "portugal", "parentId": travelID])
            #expect(portugal.status == .created && portugal.object["value"] as? String == "travel/portugal")
            #expect(portugal.object["name"] as? String == "portugal" && portugal.object["parentId"] as? String == travelID)
            let portugalID = try #require(portugal.object["id"] as? String)
            for body: [String: Any] in [["name": "travel"], ["name": " "], ["name": "a/b"], ["name": "x", "parentId": UUID().uuidString]] {
                let text = "\(body)"
                let answer = try await Self.call(client, .post, "/api/tags", key: key, body)
                #expect(answer.status == .badRequest && answer.message?.isEmpty == false, "\(text)")
            }
            let listed = try await Self.call(client, .get, "/api/tags", key: key)
            #expect(listed.array.compactMap { $0["value"] as? String } == ["travel", "travel/portugal"])
            #expect(try await Self.call(client, .get, "/api/tags/\(portugalID)", key: key).object["value"] as? String == "travel/portugal")

            // Given to assets: per id success, duplicate, not_found.
            let given = try await Self.call(client, .put, "/api/tags/\(portugalID)/assets", key: key, ["ids": [a0, a1, b0]])
            #expect(given.status == .ok && given.array.map { $0["success"] as? Bool ?? false } == [true, true, false])
            #expect(given.array.last?["error"] as? String == "not_found")
            let again = try await Self.call(client, .put, "/api/tags/\(portugalID)/assets", key: key, ["ids": [a0]])
            #expect(again.array.first?["error"] as? String == "duplicate")
            let bulk = try await Self.call(client, .put, "/api/tags/assets", key: key, ["tagIds": [travelID], "assetIds": [a0, a2, b0]])
            #expect(bulk.status == .ok && bulk.object["count"] as? Int == 2)
            #expect(try await Self.call(client, .put, "/api/tags/assets", key: key, ["tagIds": [UUID().uuidString], "assetIds": [a0]]).status == .notFound)
            #expect(try library.tags(of: mine[0].id) == ["travel", "travel/portugal"] && library.tags(of: theirs[0].id).isEmpty)

            // The asset's answer lists them as Immich's TagResponseDto.
            let asset = try await Self.call(client, .get, "/api/assets/\(a0)", key: key)
            let tags = try #require(asset.object["tags"] as? [[String: Any]])
            #expect(tags.compactMap { $0["id"] as? String } == [travelID, portugalID] && tags.allSatisfy { $0["createdAt"] is String })

            // Search by tag: a tag finds the tags under it too; an unknown tag finds nothing.
            func search(_ ids: [String]) async throws -> Set<String> {
                let answer = try await Self.call(client, .post, "/api/search/metadata", key: key, ["tagIds": ids])
                #expect(answer.status == .ok)
                return Set(((answer.object["assets"] as? [String: Any])?["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            }
            #expect(try await search([travelID]) == [a0, a1, a2])
            #expect(try await search([portugalID]) == [a0, a1])
            #expect(try await search([UUID().uuidString]).isEmpty)

            // Taken off: success, or not_found for an asset without it.
            let off = try await Self.call(client, .delete, "/api/tags/\(portugalID)/assets", key: key, ["ids": [a1, a2]])
            #expect(off.array.map { $0["success"] as? Bool ?? false } == [true, false] && off.array.last?["error"] as? String == "not_found")
            #expect(try library.tags(of: mine[1].id).isEmpty)

            // Alice has no such tags.
            #expect((try await Self.call(client, .get, "/api/tags", key: aliceKey)).array.isEmpty)
            for (method, uri) in [(HTTPRequest.Method.get, "/api/tags/\(travelID)"), (.delete, "/api/tags/\(travelID)")] {
                #expect(try await Self.call(client, method, uri, key: aliceKey).status == .notFound)
            }
            #expect(try await Self.call(client, .put, "/api/tags/\(travelID)/assets", key: aliceKey, ["ids": [b0]]).status == .notFound)
            #expect(try await Self.call(client, .put, "/api/tags/assets", key: aliceKey, ["tagIds": [travelID], "assetIds": [b0]]).status == .notFound)

            // Deleted with the tags under it, from the assets too.
            #expect(try await Self.call(client, .delete, "/api/tags/\(travelID)", key: key).status == .noContent)
            #expect((try await Self.call(client, .get, "/api/tags", key: key)).array.isEmpty)
            #expect(try library.tags(of: mine[0].id).isEmpty && library.tags().isEmpty)
            #expect(try await Self.call(client, .get, "/api/tags/\(portugalID)", key: key).status == .notFound)
        }
    }
}
}
