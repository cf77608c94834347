import Foundation
import Hummingbird
import MediaStore

/// `/api/timeline/...`: month buckets and their contents, as Immich's web and mobile apps read them.
struct TimelineRoutes {
    let library: BlockingWork

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get("buckets") { _, context in
            let user = try context.requireUser()
            let buckets = try await library.run { try $0.timeline(owner: user.id) }
            return buckets.map { TimeBucketResponse(timeBucket: $0.month + "-01", count: $0.count) }
        }
        group.get("bucket") { request, context in
            let user = try context.requireUser()
            guard let bucket = request.uri.queryParameters.get("timeBucket"), bucket.count >= 7 else {
                throw ImmichError(.badRequest, "timeBucket is required (YYYY-MM-DD)")
            }
            let month = String(bucket.prefix(7))
            do {
                let assets = try await library.run { try $0.assets(inMonth: month, owner: user.id) }
                return TimeBucketAssetResponse(assets)
            } catch let error as MediaStoreError {
                throw ImmichError(error)
            }
        }
    }
}

/// `/api/duplicates`: the near-duplicate groups, the copy to keep first.
struct DuplicateRoutes {
    let library: BlockingWork

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get { _, context in
            let user = try context.requireUser()
            let groups = try await library.run { try $0.nearDuplicateGroups(owner: user.id) }
            return groups.map { group in
                DuplicateResponse(duplicateId: group.keep.description, assets: group.assets.map { AssetResponse($0, source: nil) },
                                  suggestedKeepAssetIds: [group.keep.description])
            }
        }
    }
}
