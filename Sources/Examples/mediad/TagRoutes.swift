import Foundation
import HTTPTypes
import Hummingbird
import MediaStore

/// `/api/tags...`: the user's tags as Immich lists them (an id, the last name, the whole path as
/// `value`, the parent's id), made, given to and taken off assets, and deleted (with the tags
/// under them). Ids are derived from the path (``TagIdentity``); another user's tag is a 404.
struct TagRoutes {
    let library: BlockingWork

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get { _, context in
            try await tags(of: try context.requireUser()).responses
        }
        // A name under an optional parent (`parentId`); 400 when the user has the tag already.
        // `color` is not kept.
        group.post { request, context -> Response in
            let user = try context.requireUser()
            let create = try await request.decode(as: TagCreateRequest.self, context: context)
            let name = create.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw ImmichError(.badRequest, "name must not be empty") }
            guard !name.contains("/") else { throw ImmichError(.badRequest, "name must not contain /: give the parent as parentId") }
            let tags = try await tags(of: user)
            var path = name
            if let parentID = create.parentId {
                guard let parent = tags.path(of: parentID) else { throw ImmichError(.badRequest, "parentId: no such tag") }
                path = parent + "/" + name
            }
            let made = path
            guard try await library.run({ try $0.createTag(made, owner: user.id) }) else {
                throw ImmichError(.badRequest, "A tag with that name already exists")
            }
            return try TagResponse(path: path, owner: user).response(from: request, context: context, status: .created)
        }
        group.get(":id") { _, context in
            let (user, _, path) = try await tag(context)
            return TagResponse(path: path, owner: user)
        }
        // The tag and the tags under it, from the user's tags and assets.
        group.delete(":id") { _, context -> HTTPResponse.Status in
            let (user, _, path) = try await tag(context)
            try await library.run { try $0.deleteTag(path, owner: user.id) }
            return .noContent
        }
        // Every tag to every asset: how many (asset, tag) pairs are new. Another user's assets
        // are passed over; an unknown tag is a 404.
        group.put("assets") { request, context in
            let user = try context.requireUser()
            let bulk = try await request.decode(as: TagBulkAssetsRequest.self, context: context)
            let assets = try AssetRoutes.uuids(bulk.assetIds, "assetIds", AssetID.init)
            _ = try AssetRoutes.uuids(bulk.tagIds, "tagIds", { $0 })
            let tags = try await tags(of: user)
            let paths = try bulk.tagIds.map { id in
                guard let path = tags.path(of: id) else { throw ImmichError(.notFound, "Tag not found: \(id)") }
                return path
            }
            let count = try await library.run { library in
                try paths.reduce(0) { $0 + (try library.tag(assets, with: [$1], owner: user.id)).count }
            }
            return TagBulkAssetsResponse(count: count)
        }
        // `success`, or `duplicate` (had it already) or `not_found` (not the user's) per asset.
        group.put(":id/assets") { request, context in
            let (user, _, path) = try await tag(context)
            let texts = try await request.decode(as: BulkIdsRequest.self, context: context).ids
            let ids = try AssetRoutes.uuids(texts, "ids", AssetID.init)
            let outcome = try await library.run { library -> (Set<AssetID>, Set<AssetID>) in
                let tagged = Set(try library.tag(ids, with: [path], owner: user.id))
                let owned = Set(try ids.filter { try library.asset($0, ownedBy: user.id) != nil })
                return (tagged, owned)
            }
            return zip(texts, ids).map { text, id in
                outcome.0.contains(id) ? BulkIdResponse(id: text, success: true)
                    : BulkIdResponse(id: text, success: false, error: outcome.1.contains(id) ? "duplicate" : "not_found")
            }
        }
        // `success`, or `not_found` for an asset without the tag (or not the user's). Tags under
        // it come off too.
        group.delete(":id/assets") { request, context in
            let (user, _, path) = try await tag(context)
            let texts = try await request.decode(as: BulkIdsRequest.self, context: context).ids
            let ids = try AssetRoutes.uuids(texts, "ids", AssetID.init)
            let untagged = Set(try await library.run { try $0.untag(ids, tags: [path], owner: user.id) })
            return zip(texts, ids).map { text, id in
                untagged.contains(id) ? BulkIdResponse(id: text, success: true) : BulkIdResponse(id: text, success: false, error: "not_found")
            }
        }
    }

    /// The user's tags.
    func tags(of user: User) async throws -> UserTags {
        let tags = try await library.run { try $0.tags(owner: user.id) }
        return UserTags(owner: user, tags: tags)
    }

    /// The user, their tags and the path of the tag named by the path's `id`; 404 when the user
    /// has no such tag.
    func tag(_ context: MediaRequestContext) async throws -> (User, UserTags, String) {
        let user = try context.requireUser()
        let tags = try await tags(of: user)
        guard let path = context.parameters.get("id").flatMap(tags.path(of:)) else { throw ImmichError(.notFound, "Tag not found") }
        return (user, tags, path)
    }
}
