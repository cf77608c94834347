import Foundation
import Hummingbird
import MediaStore

/// `POST /api/search/metadata`: Immich's metadata search over the user's assets.
struct SearchRoutes {
    let library: BlockingWork

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.post("metadata") { request, context in
            let user = try context.requireUser()
            let search = try await request.decode(as: MetadataSearchRequest.self, context: context)
            // Tag ids name the user's tags by path (an unknown id matches nothing).
            var tagPaths: [UUID: String] = [:]
            if !(search.tagIds ?? []).isEmpty {
                for tag in try await library.run({ try $0.tags(owner: user.id) }) {
                    tagPaths[TagIdentity.id(owner: user.id, path: tag.path)] = tag.path
                }
            }
            let query = try search.query(tags: tagPaths)
            let size = search.size ?? 250
            do {
                let page: AssetPage
                if let cursor = search.cursor {
                    guard let after = SearchCursor(cursor) else { throw ImmichError(.badRequest, "cursor is not one this server gave") }
                    page = try await library.run { try $0.search(query, owner: user.id, after: after, limit: size) }
                } else {
                    let offset = (max(1, search.page ?? 1) - 1) * size
                    page = try await library.run { try $0.search(query, owner: user.id, skipping: offset, limit: size) }
                }
                return SearchResponse(page, pageNumber: search.cursor == nil ? max(1, search.page ?? 1) : nil)
            } catch let error as MediaStoreError {
                throw ImmichError(error)
            }
        }
    }
}

/// Immich's `MetadataSearchDto`: the filters MediaKit answers, including the place named from
/// the position (`city`, `state`, `country`: the whole name, any case; a country also by its
/// ISO code), `tagIds` (a tag finds the tags under it too) and `description` (part of it, any
/// case). Filters it cannot answer yet (people, OCR, Immich 2's `filter` tree) are refused with
/// 400 rather than ignored, so a client never takes a wider answer for the one it asked.
///
/// MediaKit's extension: `text`, words that must all appear (each as a word or the start of
/// one, accents and case ignored) in the file name, description, place or camera.
struct MetadataSearchRequest: Decodable {
    var takenAfter: String?
    var takenBefore: String?
    var make: String?
    var model: String?
    var lensModel: String?
    var originalFileName: String?
    var type: String?
    var isFavorite: Bool?
    var rating: Int?
    var albumIds: [String]?
    var visibility: String?
    var withDeleted: Bool?
    var order: String?
    var size: Int?
    var page: Int?
    var cursor: String?
    var city: String?
    var country: String?
    var state: String?
    var tagIds: [String]?
    var personIds: [String]?
    var description: String?
    var ocr: String?
    /// MediaKit's free-text search (not in Immich's DTO).
    var text: String?
    /// Immich 2's structured filter tree (not read: its presence is refused).
    var filter: Present?

    /// Any JSON value, only noticed.
    struct Present: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    /// The library's query for these filters.
    /// - Parameter tags: The user's tag paths by id, for `tagIds`.
    /// - Throws: `ImmichError` 400 for a value out of range or a filter not supported.
    func query(tags: [UUID: String] = [:]) throws -> AssetQuery {
        let unsupported: [(String, Bool)] = [
            ("personIds", !(personIds ?? []).isEmpty), ("ocr", ocr != nil), ("filter", filter != nil),
        ]
        if let (name, _) = unsupported.first(where: { $0.1 }) {
            throw ImmichError(.badRequest, "\(name) is not supported by this server yet")
        }
        if let size, !(1...1000).contains(size) { throw ImmichError(.badRequest, "size must be 1 to 1000") }
        if let page, page < 1 { throw ImmichError(.badRequest, "page must be 1 or more") }
        var q = AssetQuery()
        q.takenFrom = try takenAfter.map { try Self.wallClock($0, "takenAfter") }
        q.takenBefore = try takenBefore.map { try Self.wallClock($0, "takenBefore") }
        q.make = make
        q.model = model
        q.lens = lensModel
        q.filename = originalFileName
        q.city = city
        q.region = state
        q.country = country
        q.description = description
        q.text = text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        var unknownTag = false
        for id in tagIds ?? [] {
            guard let uuid = UUID(uuidString: id) else { throw ImmichError(.badRequest, "tagIds must be UUIDs") }
            if let path = tags[uuid] { q.tags.append(path) } else { unknownTag = true }
        }
        switch type {
        case nil: break
        case "IMAGE": q.kind = .image
        case "VIDEO": q.kind = .video
        case "AUDIO", "OTHER": q.visibility = []   // MediaKit keeps neither: nothing matches
        case let other?: throw ImmichError(.badRequest, "type must be IMAGE, VIDEO, AUDIO or OTHER, not \(other)")
        }
        q.isFavorite = isFavorite
        if let rating {
            guard (-1...5).contains(rating) else { throw ImmichError(.badRequest, "rating must be -1 to 5") }
            q.ratings = rating...rating
        }
        q.albums = try (albumIds ?? []).map { text in
            guard let uuid = UUID(uuidString: text) else { throw ImmichError(.badRequest, "albumIds must be UUIDs") }
            return AlbumID(uuid)
        }
        switch visibility {
        case nil: break
        case "locked": q.visibility = []   // no locked folder here
        case let name?:
            guard let v = AssetVisibility(rawValue: name) else {
                throw ImmichError(.badRequest, "visibility must be archive, timeline, hidden or locked")
            }
            q.visibility = q.visibility.isEmpty ? [] : [v]
        }
        if unknownTag { q.visibility = [] }   // a tag the user does not have: nothing matches
        if withDeleted == true { q.trash = .include }
        switch order {
        case nil, "desc": q.order = .newestFirst
        case "asc": q.order = .oldestFirst
        case let other?: throw ImmichError(.badRequest, "order must be asc or desc, not \(other)")
        }
        return q
    }

    /// Immich sends the local capture time as if it were UTC (`2019-01-01T00:00:00.000Z`):
    /// its wall-clock reading is the local time compared.
    static func wallClock(_ text: String, _ field: String) throws -> LocalDateTime {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var date = formatter.date(from: text)
        if date == nil {
            formatter.formatOptions = [.withInternetDateTime]
            date = formatter.date(from: text)
        }
        guard let date else { throw ImmichError(.badRequest, "\(field) must be an ISO 8601 date-time") }
        return LocalDateTime(secondsSinceEpoch: date.timeIntervalSince1970, offsetSeconds: 0)
    }
}

/// Immich's `SearchResponseDto`: the matching assets (albums are not searched: always empty).
struct SearchResponse: ResponseCodable {
    struct Albums: Codable {
        var total = 0
        var count = 0
        var items: [AlbumResponse] = []
        var facets: [Facet] = []
    }

    struct Assets: Codable {
        var total: Int
        var count: Int
        var items: [AssetResponse]
        var facets: [Facet] = []
        @NullEncoded var nextPage: String?
        @NullEncoded var nextCursor: String?
    }

    struct Facet: Codable {
        var fieldName: String
        var counts: [Count]
    }

    struct Count: Codable {
        var count: Int
        var value: String
    }

    var albums = Albums()
    var assets: Assets

    /// The page as Immich answers it: `nextPage` (when the request counted pages) and
    /// `nextCursor` name the following page, both `null` after the last.
    init(_ page: AssetPage, pageNumber: Int?) {
        let items = page.assets.map { AssetResponse($0, source: nil) }
        assets = Assets(total: items.count, count: items.count, items: items,
                        nextPage: page.next == nil ? nil : pageNumber.map { String($0 + 1) },
                        nextCursor: page.next?.description)
    }
}
