import Foundation
import HTTPTypes
import Hummingbird
import MediaStore

/// `/api/albums...`: list, make, read, change, delete, add and remove assets (the user's own
/// albums only).
struct AlbumRoutes {
    let library: BlockingWork

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get { _, context in
            let user = try context.requireUser()
            let albums = try await library.run { try $0.albums(owner: user.id) }
            return albums.map { AlbumResponse($0, owner: user, assets: []) }
        }
        group.post { request, context -> Response in
            let user = try context.requireUser()
            let create = try await request.decode(as: CreateAlbumRequest.self, context: context)
            let album: Album
            do {
                album = try await library.run {
                    try $0.createAlbum(name: create.albumName, description: create.description ?? "", owner: user.id,
                                       assets: (create.assetIds ?? []).compactMap(AssetID.init))
                }
            } catch let error as MediaStoreError {
                throw ImmichError(error)
            }
            let assets = try await library.run { try $0.assets(inAlbum: album.id, owner: user.id) }
            return try AlbumResponse(album, owner: user, assets: assets).response(from: request, context: context, status: .created)
        }
        group.get(":id") { _, context in
            let (user, album) = try await self.album(context)
            let assets = try await library.run { try $0.assets(inAlbum: album.id, owner: user.id) }
            return AlbumResponse(album, owner: user, assets: assets)
        }
        group.put(":id/assets") { request, context in
            let (user, album) = try await self.album(context)
            let ids = try await request.decode(as: BulkIdsRequest.self, context: context).ids
            let valid = ids.compactMap(AssetID.init)
            let results = try await library.run { try $0.addAssets(valid, toAlbum: album.id, owner: user.id) }
            return ids.map { id in
                switch AssetID(id).flatMap({ results[$0] }) {
                case .added: BulkIdResponse(id: id, success: true)
                case .duplicate: BulkIdResponse(id: id, success: false, error: "duplicate")
                case .notFound, nil: BulkIdResponse(id: id, success: false, error: "not_found")
                }
            }
        }
        addChangeRoutes(to: group)
    }

    func addChangeRoutes(to group: RouterGroup<MediaRequestContext>) {
        // Rename, describe, choose the cover (one of the album's assets; else 400).
        group.patch(":id") { request, context in
            let (user, album) = try await self.album(context)
            let update = try await request.decode(as: UpdateAlbumRequest.self, context: context)
            if update.isActivityEnabled == true { throw ImmichError(.badRequest, "isActivityEnabled is not supported by this server") }
            if let order = update.order, order != "desc" { throw ImmichError(.badRequest, "order \(order) is not supported by this server (albums list newest first)") }
            var cover: AssetID?? = nil
            if let text = update.albumThumbnailAssetId {
                guard let id = AssetID(text) else { throw ImmichError(.badRequest, "albumThumbnailAssetId must be a UUID") }
                cover = .some(id)
            }
            let (updated, assets) = try await library.run { [cover] library in
                let updated = try library.updateAlbum(album.id, name: update.albumName, description: update.description, cover: cover, owner: user.id)
                return (updated, try library.assets(inAlbum: album.id, owner: user.id))
            }
            return AlbumResponse(updated, owner: user, assets: assets)
        }
        // The album goes; its assets stay in the library.
        group.delete(":id") { _, context -> HTTPResponse.Status in
            let (user, album) = try await self.album(context)
            _ = try await library.run { try $0.deleteAlbum(album.id, owner: user.id) }
            return .noContent
        }
        // Out of the album: `success`, or `not_found` for an asset not in it (or not the user's).
        group.delete(":id/assets") { request, context in
            let (user, album) = try await self.album(context)
            let ids = try await request.decode(as: BulkIdsRequest.self, context: context).ids
            let valid = try AssetRoutes.uuids(ids, "ids", AssetID.init)
            let removed = Set(try await library.run { try $0.removeAssets(valid, fromAlbum: album.id, owner: user.id) })
            return ids.map { id in
                AssetID(id).map(removed.contains) == true ? BulkIdResponse(id: id, success: true)
                    : BulkIdResponse(id: id, success: false, error: "not_found")
            }
        }
    }

    /// The user and their album named by the path's `id`; 404 when it is not theirs.
    func album(_ context: MediaRequestContext) async throws -> (User, Album) {
        let user = try context.requireUser()
        guard let id = context.parameters.get("id").flatMap({ UUID(uuidString: $0) }).map(AlbumID.init),
              let album = try await library.run({ try $0.album(id, owner: user.id) }) else {
            throw ImmichError(.notFound, "Album not found")
        }
        return (user, album)
    }
}
