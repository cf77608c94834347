public import MediaCore
import Foundation

extension Library {
    /// The asset with this id, if the library has it.
    /// - Throws: `MediaStoreError.catalog` when the catalog cannot be read.
    public func asset(_ id: AssetID) throws(MediaStoreError) -> Asset? {
        try catalog.asset(id)
    }

    /// Finds an asset by its full id, or by a unique prefix of its id or SHA-256 of at least 6 characters.
    /// - Returns: The asset, or `nil` when nothing matches.
    /// - Throws: `MediaStoreError.invalidArgument` when the prefix matches more than one asset.
    public func asset(matching text: String) throws(MediaStoreError) -> Asset? {
        if let id = AssetID(text) { return try asset(id) }
        let needle = text.lowercased()
        guard needle.count >= 6, needle.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { return nil }
        let found = try catalog.assets(withIDOrHashPrefix: needle, limit: 2)
        if found.count > 1 {
            throw MediaStoreError(.invalidArgument, "'\(text)' begins the id or SHA-256 of more than one asset: give more characters")
        }
        return found.first
    }

    /// Calls `body` with every asset, in import order, reading the catalog in pages so memory
    /// stays flat however large the library is.
    /// - Parameters:
    ///   - pageSize: Assets read per catalog query.
    ///   - body: Called once per asset; return `false` to stop.
    /// - Complexity: O(n) over the library, O(`pageSize`) memory.
    public func forEachAsset(pageSize: Int = 1000, _ body: (Asset) throws -> Bool) throws {
        var cursor = AssetCursor(catalog: catalog, pageSize: pageSize)
        while let asset = try cursor.next() {
            if try !body(asset) { return }
        }
    }

    /// Month buckets over the local capture time, newest first, of the owner's timeline
    /// (assets neither trashed, archived nor hidden). Assets without a capture time are not in it.
    /// - Parameter owner: Whose timeline; `nil` for the ``defaultOwner``.
    public func timeline(owner: UserID? = nil) throws(MediaStoreError) -> [TimelineBucket] {
        try catalog.timeline(owner: owner ?? defaultOwner)
    }

    /// The owner's timeline assets (not trashed, not archived or hidden) taken in one month
    /// (`YYYY-MM`, local capture time), newest first: a ``TimelineBucket``'s contents.
    /// - Complexity: One range scan of the timeline index.
    public func assets(inMonth month: String, owner: UserID? = nil) throws(MediaStoreError) -> [Asset] {
        guard month.count == 7, month.allSatisfy({ $0.isNumber || $0 == "-" }) else {
            throw MediaStoreError(.invalidArgument, "a month is YYYY-MM, not \(month)")
        }
        return try catalog.timelineAssets(owner: owner ?? defaultOwner, month: month)
    }

    /// Moves the owner's assets to the trash (out of the timeline, albums and searches; their
    /// originals stay until the trash is emptied). Ids of other users' assets are ignored.
    /// - Returns: How many assets were moved (those already in the trash are not counted).
    @discardableResult
    public func trash(_ assets: [AssetID], owner: UserID? = nil) throws(MediaStoreError) -> Int {
        try catalog.trash(assets, owner: owner ?? defaultOwner, now: Date())
    }

    /// Counts and sizes: what the library holds.
    public func statistics() throws(MediaStoreError) -> LibraryStatistics {
        try catalog.statistics()
    }

    /// Records assets whose originals are already in place: stored through ``blobs`` (for
    /// ``AssetStorage/managed`` assets) or at their external path. For hosts that receive bytes
    /// themselves (an upload endpoint) and for tools that build catalogs; files on disk go
    /// through ``import(_:options:events:)`` instead.
    /// - Parameter assets: The assets, written in one transaction.
    /// - Throws: `MediaStoreError.catalog` when a row breaks a catalog rule (an owner that does
    ///   not exist, the same bytes twice for one owner); nothing is written then.
    public func addAssets(_ assets: [Asset]) throws(MediaStoreError) {
        try catalog.add(assets)
    }
}

/// One month of a timeline.
public struct TimelineBucket: Sendable, Hashable, Codable {
    /// `YYYY-MM`, from the local capture time.
    public var month: String
    /// Assets taken that month.
    public var count: Int

    /// Creates a bucket.
    public init(month: String, count: Int) {
        self.month = month
        self.count = count
    }
}

/// What a library holds.
public struct LibraryStatistics: Sendable, Hashable, Codable {
    /// Assets in the catalog (all owners, trashed included).
    public var assets = 0
    /// Bytes of their originals (an original shared by two owners counted twice).
    public var bytes: Int64 = 0
    /// Still images, camera raw included.
    public var images = 0
    /// Videos.
    public var videos = 0
    /// Assets imported in place (originals outside the library).
    public var external = 0
    /// Assets in the trash.
    public var trashed = 0
    /// Assets with a GPS position.
    public var withLocation = 0
    /// Distinct objects the catalog refers to.
    public var objects = 0
    /// Users.
    public var users = 0
    /// Source paths imports have recorded.
    public var sources = 0
    /// The earliest and latest local capture times.
    public var earliest: String?
    /// The latest local capture time.
    public var latest: String?
    /// Assets per format.
    public var formats: [String: Int] = [:]
    /// Images (not videos) without a ready thumbnail: imported without thumbnails, or whose
    /// pixels could not be decoded. ``Library/regenerateThumbnails(_:events:)`` makes them.
    public var imagesWithoutThumbnail = 0

    /// Empty statistics.
    public init() {}
}

/// The catalog's assets in import order, read a page at a time (memory stays at one page).
struct AssetCursor: Sendable {
    let catalog: any Catalog
    let pageSize: Int
    private var page: [Asset] = []
    private var index = 0
    private var after: Int64 = 0
    private var isLastPage = false

    init(catalog: any Catalog, pageSize: Int) {
        self.catalog = catalog
        self.pageSize = max(1, pageSize)
    }

    /// The next asset, or `nil` after the last one.
    mutating func next() throws(MediaStoreError) -> Asset? {
        if index == page.count {
            guard !isLastPage else { return nil }
            let next = try catalog.assets(after: after, limit: pageSize)
            page = next.assets
            index = 0
            after = next.next
            isLastPage = page.count < pageSize
            guard !page.isEmpty else { return nil }
        }
        defer { index += 1 }
        return page[index]
    }
}
