import ArgumentParser
import Foundation
import MediaStore

/// `media search [filters] [--limit N] [--json]`: the assets that match every filter given.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find assets by date, camera, place, rating, album, tag, name, description or words; newest first.",
        discussion: """
            Every filter given must hold. Text filters ignore case; --make, --model, --lens, --city, --region and --country \
            match the whole value, --name and --description any part, --text whole words or their starts (in the file name, \
            description, place and camera). One line per asset as `media ls` prints it; with --json, JSON Lines with the \
            keys of `media ls --json` and city, country, rating, favorite, tags, visibility (and trashedAt in the trash).
            """
    )

    @OptionGroup var library: LibraryOptions

    @Option(help: ArgumentHelp("Taken on or after this day (local time).", valueName: "YYYY-MM-DD"))
    var from: String?

    @Option(help: ArgumentHelp("Taken on or before this day (the whole day, local time).", valueName: "YYYY-MM-DD"))
    var to: String?

    @Option(help: "The camera maker, the whole name.")
    var make: String?

    @Option(help: "The camera model, the whole name.")
    var model: String?

    @Option(help: "The lens, the whole name.")
    var lens: String?

    @Option(help: "The city or town named from the position.")
    var city: String?

    @Option(help: "The region (state, province) named from the position.")
    var region: String?

    @Option(help: "The country: its English name or ISO code (Portugal, PT).")
    var country: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Within --radius of this point.", valueName: "LAT,LON"))
    var near: String?

    @Option(help: ArgumentHelp("The radius for --near, in kilometres.", valueName: "KM"))
    var radius: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp("Inside this latitude/longitude box.", valueName: "S,W,N,E"))
    var box: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Exactly this rating, -1 (rejected) to 5.", valueName: "N"))
    var rating: Int?

    @Option(name: .customLong("min-rating"), parsing: .unconditional, help: ArgumentHelp("This rating or more.", valueName: "N"))
    var minRating: Int?

    @Flag(help: "Only favourites.")
    var favorite = false

    @Option(help: ArgumentHelp("In this album (an id or a name); repeat: in every one.", valueName: "ALBUM"))
    var album: [String] = []

    @Option(help: ArgumentHelp("Tagged with this tag or one under it; repeat: every one.", valueName: "TAG"))
    var tag: [String] = []

    @Option(help: ArgumentHelp("photo or video.", valueName: "KIND"))
    var kind: String?

    @Option(help: ArgumentHelp("A part of the original file name.", valueName: "PART"))
    var name: String?

    @Option(name: .customLong("description"), help: ArgumentHelp("A part of the description.", valueName: "PART"))
    var descriptionPart: String?

    @Option(help: ArgumentHelp("Words in the file name, description, place or camera (accents and case ignored).", valueName: "WORDS"))
    var text: String?

    @OptionGroup var scope: ScopeOptions

    @Flag(help: "Oldest first.")
    var oldestFirst = false

    @Option(help: "At most this many assets (default: all).")
    var limit: Int?

    @Flag(help: "Print JSON Lines.")
    var json = false

    func run() async throws {
        let lib = try library.open()
        let query = try self.query(lib)
        if let limit, limit < 1 { throw CLI.fail("--limit is 1 or more, not \(limit)") }
        var output = BufferedOutput()
        try lib.eachPage(query, limit: limit) { page in
            // The tags of a page's assets in one call.
            let tags = json ? try CLI.sdk { () throws(MediaStoreError) in try lib.tags(of: page.map(\.id)) } : [:]
            for asset in page {
                output.write(json ? Self.jsonLine(asset, tags: tags[asset.id] ?? [])
                                  : CLI.line(asset) + (asset.place.map { "  (\($0.city), \($0.country))" } ?? ""))
            }
        }
        output.flush()
    }

    /// One asset as a JSON line: `media ls --json`'s keys and what organising adds.
    private static func jsonLine(_ asset: Asset, tags: [String]) -> String {
        var extra: [String: Any] = ["favorite": asset.isFavorite, "visibility": asset.visibility.rawValue]
        if let place = asset.place { extra["city"] = place.city; extra["country"] = place.country }
        if let rating = asset.metadata.rating { extra["rating"] = rating }
        if !tags.isEmpty { extra["tags"] = tags }
        if let trashedAt = asset.trashedAt { extra["trashedAt"] = CLI.iso(trashedAt) }
        return CLI.jsonLine(asset, adding: extra)
    }

    /// The options as an ``AssetQuery`` (ranges and positions are the SDK's to check).
    private func query(_ lib: Library) throws -> AssetQuery {
        var q = AssetQuery()
        if let from { q.takenFrom = try CLI.day(from, "--from") }
        if let to { q.takenBefore = CLI.dayAfter(try CLI.day(to, "--to")) }
        q.make = make
        q.model = model
        q.lens = lens
        q.city = city
        q.region = region
        q.country = country
        switch (near, radius, box) {
        case (nil, nil, nil): break
        case (let near?, let radius?, nil):
            let p = try CLI.position(near)
            q.area = .radius(latitude: p.latitude, longitude: p.longitude, meters: radius * 1000)
        case (nil, nil, let box?): q.area = try CLI.box(box)
        case (_?, nil, _), (nil, _?, nil): throw CLI.fail("--near LAT,LON and --radius KM go together")
        default: throw CLI.fail("give --near or --box, not both")
        }
        switch (rating, minRating) {
        case (nil, nil): break
        case (let n?, nil): q.ratings = n...n
        case (nil, let n?):
            guard n <= 5 else { throw CLI.fail("a rating is -1 to 5, not \(n)") }
            q.ratings = n...5
        default: throw CLI.fail("give --rating or --min-rating, not both")
        }
        if favorite { q.isFavorite = true }
        q.albums = try album.map { try CLI.album($0, in: lib).id }
        q.tags = tag
        switch kind?.lowercased() {
        case nil: break
        case "photo", "image": q.kind = .image
        case "video": q.kind = .video
        default: throw CLI.fail("--kind is photo or video, not '\(kind ?? "")'")
        }
        q.filename = name
        q.description = descriptionPart
        q.text = text
        scope.apply(to: &q)
        if oldestFirst { q.order = .oldestFirst }
        return q
    }
}
