public import Foundation
public import MediaCore

/// Organising: favourites, archive and hidden, the trash, edits by hand, tags and albums. Each
/// call acts only on the owner's assets (ids of other users' assets are passed over), returns
/// what it changed, and rewrites the XMP sidecars of the assets it changed.
extension Library {
    /// Marks assets as favourites, or not.
    /// - Returns: The assets whose mark changed.
    @discardableResult
    public func setFavorite(_ ids: [AssetID], _ isFavorite: Bool, owner: UserID? = nil) throws(MediaStoreError) -> [AssetID] {
        let changed = try catalog.setFavorite(ids, isFavorite, owner: owner ?? defaultOwner, now: Date())
        try writeSidecars(changed)
        return changed
    }

    /// Puts assets in the timeline, the archive (out of the timeline, still searchable with
    /// ``AssetQuery/visibility``) or hides them.
    /// - Returns: The assets whose visibility changed.
    @discardableResult
    public func setVisibility(_ ids: [AssetID], _ visibility: AssetVisibility, owner: UserID? = nil) throws(MediaStoreError) -> [AssetID] {
        let changed = try catalog.setVisibility(ids, visibility, owner: owner ?? defaultOwner, now: Date())
        try writeSidecars(changed)
        return changed
    }

    /// Takes assets out of the trash, back where they were (timeline, albums, searches).
    /// - Returns: The assets restored (those not in the trash are passed over).
    @discardableResult
    public func restore(_ ids: [AssetID], owner: UserID? = nil) throws(MediaStoreError) -> [AssetID] {
        try catalog.restore(ids, owner: owner ?? defaultOwner, now: Date())
    }

    /// The owner's assets in the trash, longest there first.
    public func trashedAssets(owner: UserID? = nil) throws(MediaStoreError) -> [Asset] {
        try catalog.assets(catalog.trashedAssetIDs(owner: owner ?? defaultOwner, before: nil))
    }

    /// Removes assets in the trash for good: their records, tags, album places and derived files,
    /// their sidecars, and each original once no asset (of any owner) refers to it any more.
    /// Originals imported in place are never deleted. Assets not in the trash are passed over.
    /// - Parameters:
    ///   - ids: The assets; `nil` for the owner's whole trash.
    ///   - owner: Whose trash; `nil` for the ``defaultOwner``.
    /// - Throws: `MediaStoreError` when the catalog cannot be written (nothing is removed
    ///   then) or an object cannot be deleted (the records are gone; ``verify(deep:progress:)``
    ///   reports the object as an orphan).
    @discardableResult
    public func purgeTrash(_ ids: [AssetID]? = nil, owner: UserID? = nil) throws(MediaStoreError) -> PurgeSummary {
        let owner = owner ?? defaultOwner
        if let ids { return try purge(ids, owner: owner) }
        return try purge(catalog.trashedAssetIDs(owner: owner, before: nil), owner: owner)
    }

    /// Removes for good every asset (of every owner) that has been in the trash longer than
    /// ``LibraryConfiguration/trashRetentionDays``; `mediad` runs it daily.
    /// - Parameter now: The present (for tests).
    @discardableResult
    public func purgeExpiredTrash(now: Date = Date()) throws(MediaStoreError) -> PurgeSummary {
        let cutoff = now.addingTimeInterval(-Double(configuration.trashRetentionDays) * 86_400)
        return try purge(catalog.trashedAssetIDs(owner: nil, before: cutoff), owner: nil)
    }

    private func purge(_ ids: [AssetID], owner: UserID?) throws(MediaStoreError) -> PurgeSummary {
        let purged = try catalog.purge(ids, owner: owner)
        var summary = PurgeSummary()
        summary.assets = purged.removed.count
        for id in purged.removed {
            let sidecar = sidecarPath(of: id)
            if unlink(sidecar) == 0 { rmdir((sidecar as NSString).deletingLastPathComponent) }   // only when empty
        }
        for relative in purged.orphanedDerivedFiles { unlink(path + "/" + relative) }
        for sha256 in purged.orphanedObjects {
            let size = blobs.size(of: sha256) ?? 0
            try blobs.remove(sha256)
            summary.objects += 1
            summary.bytes += size
        }
        return summary
    }

    /// Changes what assets' files say, by hand: the edits are kept in the catalog and locked
    /// (``rereadMetadata(_:owner:)`` does not undo them), and written to each asset's XMP
    /// sidecar. The originals are never touched. A location edit names the new place; a
    /// capture time without an offset takes the offset of the position's time zone; a shift
    /// moves each asset's own capture time (those without one are left out).
    /// - Returns: The assets edited.
    /// - Throws: `MediaStoreError.invalidArgument` for a rating out of −1…5, a position out of
    ///   range, or a shift beyond 200 years or out of the years 1–9999 (nothing is changed then).
    @discardableResult
    public func edit(_ ids: [AssetID], _ edits: [AssetEdit], owner: UserID? = nil) throws(MediaStoreError) -> [AssetID] {
        let owner = owner ?? defaultOwner
        // A capture time without an offset depends on each asset's position, a shift on its
        // capture time: one call per asset.
        let perAsset = edits.contains { edit in
            switch edit {
            case .capturedAt(_, nil), .shiftCapturedAt: true
            default: false
            }
        }
        if perAsset {
            // Every asset's edits are resolved (and checked), then written in one transaction.
            var resolved: [(AssetID, [ResolvedEdit])] = []
            for asset in try catalog.assets(ids) where asset.ownerID == owner {
                resolved.append((asset.id, try resolve(edits, for: asset)))
            }
            let changed = try catalog.edit(resolved, owner: owner, now: Date())
            try writeSidecars(changed)
            return changed
        }
        let changed = try catalog.edit(ids, resolve(edits, for: nil), owner: owner, now: Date())
        try writeSidecars(changed)
        return changed
    }

    /// The edits as column values (`asset`: for the position a capture time's offset comes
    /// from, and the capture time a shift moves; a shift of an asset without one is dropped).
    private func resolve(_ edits: [AssetEdit], for asset: Asset?) throws(MediaStoreError) -> [ResolvedEdit] {
        var location = asset?.metadata.location
        for case .location(let new) in edits { location = new }
        return try edits.map { (edit) throws(MediaStoreError) -> ResolvedEdit? in
            switch edit {
            case .shiftCapturedAt(let seconds):
                guard seconds.magnitude <= 200 * 365 * 86_400 else { throw MediaStoreError(.invalidArgument, "a shift of \(seconds) s is beyond 200 years") }
                guard let capture = asset?.metadata.capturedAt else { return nil }
                let local = LocalDateTime(secondsSinceEpoch: capture.local.secondsSinceEpochAsUTC + Double(seconds), offsetSeconds: 0)
                guard (1...9999).contains(local.year) else {
                    throw MediaStoreError(.invalidArgument, "shifting \(capture.local.text) by \(seconds) s leaves the years 1 to 9999")
                }
                let offsetSource = capture.offsetSeconds == nil ? nil : asset?.metadata.sources[.utcOffset] ?? capture.source
                return .capturedAt(CaptureDate(local: local, offsetSeconds: capture.offsetSeconds, source: Library.editSource),
                                   offsetSource: offsetSource)
            case .rating(let rating):
                if let rating, !(-1...5).contains(rating) { throw MediaStoreError(.invalidArgument, "a rating is -1 to 5, not \(rating)") }
                return .rating(rating)
            case .description(let text):
                let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines)
                return .description(trimmed?.isEmpty == false ? trimmed : nil)
            case .location(let new):
                guard let new else { return .location(nil, place: nil) }
                guard new.latitude.isFinite, new.longitude.isFinite, (-90...90).contains(new.latitude), (-180...180).contains(new.longitude) else {
                    throw MediaStoreError(.invalidArgument, "a position is latitude -90...90 and longitude -180...180")
                }
                return .location(new, place: geocoder?.place(latitude: new.latitude, longitude: new.longitude))
            case .capturedAt(let local, let offset):
                var offset = offset
                if let o = offset, !(-64_800...64_800).contains(o) { throw MediaStoreError(.invalidArgument, "a UTC offset is within ±18 hours") }
                var offsetSource: String?
                if offset == nil, let location, let zone = geocoder?.utcOffset(latitude: location.latitude, longitude: location.longitude, at: local) {
                    offset = zone
                    offsetSource = Library.gpsTimeZoneSource
                }
                return .capturedAt(CaptureDate(local: local, offsetSeconds: offset, source: Library.editSource), offsetSource: offsetSource)
            }
        }.compactMap { $0 }
    }

    /// The source recorded for a value edited by hand.
    public static let editSource = "MediaKit:Edit"

    /// The fields of an asset edited by hand (locked against a new reading of its file).
    public func editedFields(of asset: AssetID) throws(MediaStoreError) -> Set<AssetEdit.Field> {
        Set(try catalog.lockedFields(of: asset).keys.compactMap(AssetEdit.Field.init))
    }

    /// Reads the assets' originals again and records what they say now (after a reader got
    /// better, or an external file changed), keeping every field edited by hand. Every asset
    /// that can be read is done, even when another cannot.
    /// - Returns: The assets read again.
    /// - Throws: The first file that could not be read (its path and reason), after the others
    ///   were done; `.catalog` when the catalog cannot be written.
    @discardableResult
    public func rereadMetadata(_ ids: [AssetID], owner: UserID? = nil) throws(MediaStoreError) -> [AssetID] {
        let owner = owner ?? defaultOwner
        let reader = StandardMetadataReader()
        var done: [AssetID] = []
        var firstFailure: MediaStoreError?
        for var asset in try catalog.assets(ids) where asset.ownerID == owner {
            do throws(MediaStoreError) {
                let file = try originalFile(of: asset)
                do throws(MediaCoreError) {
                    asset.metadata = try reader.read(path: file)
                } catch {
                    throw MediaStoreError(error).at(file)
                }
            } catch {
                firstFailure = firstFailure ?? error
                continue
            }
            locate(&asset)
            try catalog.updateMetadata(of: asset)
            done.append(asset.id)
        }
        try writeSidecars(done)
        if let firstFailure { throw firstFailure }
        return done
    }

    // MARK: Tags

    /// Gives assets tags: paths of names such as `travel/portugal/lisbon` (the parents are tags
    /// too, so searching `travel` finds it). Tags are made when missing.
    /// - Returns: The assets that got a tag they did not have.
    /// - Throws: `MediaStoreError.invalidArgument` for an empty tag.
    @discardableResult
    public func tag(_ ids: [AssetID], with tags: [String], owner: UserID? = nil) throws(MediaStoreError) -> [AssetID] {
        let paths = try tags.map { (tag) throws(MediaStoreError) -> String in
            guard let path = Tag.normalized(tag) else { throw MediaStoreError(.invalidArgument, "a tag needs a name: '\(tag)'") }
            return path
        }
        let changed = try catalog.tag(ids, with: paths, owner: owner ?? defaultOwner)
        try writeSidecars(changed)
        return changed
    }

    /// Takes tags (and the tags under them) off assets.
    /// - Returns: The assets that lost a tag.
    @discardableResult
    public func untag(_ ids: [AssetID], tags: [String], owner: UserID? = nil) throws(MediaStoreError) -> [AssetID] {
        let changed = try catalog.untag(ids, paths: tags.compactMap(Tag.normalized), owner: owner ?? defaultOwner)
        try writeSidecars(changed)
        return changed
    }

    /// Makes a tag (and its parents) that no asset carries yet, for clients that make tags
    /// before using them.
    /// - Returns: `false` when the owner had the tag already.
    /// - Throws: `MediaStoreError.invalidArgument` for an empty tag.
    @discardableResult
    public func createTag(_ tag: String, owner: UserID? = nil) throws(MediaStoreError) -> Bool {
        guard let path = Tag.normalized(tag) else { throw MediaStoreError(.invalidArgument, "a tag needs a name: '\(tag)'") }
        return try catalog.createTag(path, owner: owner ?? defaultOwner)
    }

    /// The owner's tags, by path.
    public func tags(owner: UserID? = nil) throws(MediaStoreError) -> [Tag] {
        try catalog.tags(owner: owner ?? defaultOwner)
    }

    /// An asset's tag paths, sorted.
    public func tags(of asset: AssetID) throws(MediaStoreError) -> [String] {
        try catalog.tagPaths(of: [asset])[asset] ?? []
    }

    /// The tag paths of each of these assets (assets without a tag left out), in one query per
    /// 500 assets: for a page of search results.
    public func tags(of assets: [AssetID]) throws(MediaStoreError) -> [AssetID: [String]] {
        try catalog.tagPaths(of: assets)
    }

    /// Deletes a tag and the tags under it from the owner's tags and assets.
    /// - Throws: `MediaStoreError.notFound` when the owner has no such tag.
    public func deleteTag(_ tag: String, owner: UserID? = nil) throws(MediaStoreError) {
        guard let path = Tag.normalized(tag) else { throw MediaStoreError(.invalidArgument, "a tag needs a name") }
        try writeSidecars(catalog.deleteTag(path, owner: owner ?? defaultOwner))
    }

    // MARK: Albums

    /// Renames an album or changes its description or cover (`cover: .some(nil)` clears it).
    /// - Throws: `.notFound` when the album is not the owner's; `.invalidArgument` for an
    ///   empty name or a cover that is not in the album.
    @discardableResult
    public func updateAlbum(_ album: AlbumID, name: String? = nil, description: String? = nil, cover: AssetID?? = nil,
                            owner: UserID? = nil) throws(MediaStoreError) -> Album {
        let owner = owner ?? defaultOwner
        let trimmed = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let trimmed, trimmed.isEmpty { throw MediaStoreError(.invalidArgument, "an album needs a name") }
        try catalog.updateAlbum(album, owner: owner, name: trimmed, description: description, cover: cover, now: Date())
        guard let updated = try self.album(album, owner: owner) else { throw MediaStoreError(.notFound, "there is no album \(album)") }
        return updated
    }

    /// Takes assets out of an album (they stay in the library).
    /// - Returns: The assets taken out.
    /// - Throws: `.notFound` when the album is not the owner's.
    @discardableResult
    public func removeAssets(_ ids: [AssetID], fromAlbum album: AlbumID, owner: UserID? = nil) throws(MediaStoreError) -> [AssetID] {
        try catalog.removeAssets(ids, fromAlbum: album, owner: owner ?? defaultOwner, now: Date())
    }

    /// Deletes an album (its assets stay in the library).
    /// - Returns: `false` when the owner has no such album.
    @discardableResult
    public func deleteAlbum(_ album: AlbumID, owner: UserID? = nil) throws(MediaStoreError) -> Bool {
        try catalog.deleteAlbum(album, owner: owner ?? defaultOwner)
    }
}
