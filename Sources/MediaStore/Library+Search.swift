public import MediaCore

extension Library {
    /// The owner's assets that match `query`, a page at a time, in the query's order (local
    /// capture time, newest first by default; assets without one last).
    ///
    /// ```swift
    /// var query = AssetQuery()
    /// query.make = "Canon"
    /// var page = try library.search(query)
    /// while true {
    ///     for asset in page.assets { print(asset.originalFilename) }
    ///     guard let next = page.next else { break }
    ///     page = try library.search(query, after: next)
    /// }
    /// ```
    /// - Parameters:
    ///   - query: The filters; an empty query lists the timeline.
    ///   - owner: Whose assets; `nil` for the ``defaultOwner``. Nobody finds another user's.
    ///   - cursor: The previous page's ``AssetPage/next``; `nil` for the first page.
    ///   - limit: The most assets in the page, 1 to 1,000.
    /// - Throws: `MediaStoreError.invalidArgument` for a limit out of range, an area or ratings
    ///   out of range, or a cursor of a search in the other order; `.catalog` when the catalog
    ///   cannot be read.
    /// - Complexity: One query per page; the cursor makes page n cost the same as page 1.
    public func search(_ query: AssetQuery, owner: UserID? = nil, after cursor: SearchCursor? = nil,
                       limit: Int = 100) throws(MediaStoreError) -> AssetPage {
        try validate(query, limit: limit)
        if let cursor, cursor.order != query.order {
            throw MediaStoreError(.invalidArgument, "the cursor continues a search in the other order")
        }
        return try catalog.search(query, owner: owner ?? defaultOwner, after: cursor, skipping: 0, limit: limit)
    }

    /// A numbered page of the owner's assets that match `query`, for clients that count pages
    /// (Immich's `page`): the assets after the first `offset`.
    /// - Parameters:
    ///   - query: The filters.
    ///   - owner: Whose assets; `nil` for the ``defaultOwner``.
    ///   - offset: How many matching assets to pass over (0 or more).
    ///   - limit: The most assets in the page, 1 to 1,000.
    /// - Throws: As ``search(_:owner:after:limit:)``; also for a negative offset.
    /// - Complexity: O(`offset` + `limit`): prefer the cursor for deep pages.
    public func search(_ query: AssetQuery, owner: UserID? = nil, skipping offset: Int,
                       limit: Int = 100) throws(MediaStoreError) -> AssetPage {
        try validate(query, limit: limit)
        guard offset >= 0 else { throw MediaStoreError(.invalidArgument, "an offset is 0 or more, not \(offset)") }
        return try catalog.search(query, owner: owner ?? defaultOwner, after: nil, skipping: offset, limit: limit)
    }

    private func validate(_ query: AssetQuery, limit: Int) throws(MediaStoreError) {
        guard (1...1000).contains(limit) else {
            throw MediaStoreError(.invalidArgument, "a page holds 1 to 1000 assets, not \(limit)")
        }
        try query.area?.validate()
        if let ratings = query.ratings, ratings.lowerBound < -1 || ratings.upperBound > 5 {
            throw MediaStoreError(.invalidArgument, "ratings run from -1 to 5, not \(ratings)")
        }
    }
}
