public import Foundation
public import MediaCore

extension Library {
    /// The owner's albums, by name.
    public func albums(owner: UserID? = nil) throws(MediaStoreError) -> [Album] {
        try catalog.albums(owner: owner ?? defaultOwner, id: nil)
    }

    /// The owner's album with this id; `nil` when there is none or it is someone else's.
    public func album(_ id: AlbumID, owner: UserID? = nil) throws(MediaStoreError) -> Album? {
        try catalog.albums(owner: owner ?? defaultOwner, id: id).first
    }

    /// Makes an album, with these of the owner's assets in it.
    /// - Throws: `MediaStoreError.invalidArgument` when the name is empty.
    public func createAlbum(name: String, description: String = "", owner: UserID? = nil,
                            assets: [AssetID] = []) throws(MediaStoreError) -> Album {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw MediaStoreError(.invalidArgument, "an album needs a name") }
        let now = Date()
        let album = Album(id: AlbumID(), ownerID: owner ?? defaultOwner, name: name, description: description,
                          createdAt: now, updatedAt: now)
        try catalog.insert(album)
        if !assets.isEmpty { _ = try addAssets(assets, toAlbum: album.id, owner: album.ownerID) }
        return try self.album(album.id, owner: album.ownerID) ?? album
    }

    /// Adds assets to one of the owner's albums; each is added, already there, or not one of
    /// the owner's assets (another user's asset is "not found", never added).
    /// - Throws: `MediaStoreError.notFound` when the album is not the owner's.
    public func addAssets(_ assets: [AssetID], toAlbum album: AlbumID, owner: UserID? = nil) throws(MediaStoreError) -> [AssetID: AlbumAddition] {
        let owner = owner ?? defaultOwner
        guard try self.album(album, owner: owner) != nil else {
            throw MediaStoreError(.notFound, "there is no album \(album)")
        }
        return try catalog.addAssets(assets, toAlbum: album, owner: owner, now: Date())
    }

    /// The assets of one of the owner's albums that are not in the trash, oldest first.
    public func assets(inAlbum album: AlbumID, owner: UserID? = nil) throws(MediaStoreError) -> [Asset] {
        try catalog.assets(catalog.assetIDs(inAlbum: album, owner: owner ?? defaultOwner))
    }
}
