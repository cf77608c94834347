import Foundation
import Hummingbird
import MediaStore

/// `/api/mediakit/...`: what Immich's API lacks, in the same style (JSON, the same keys and errors).
///
/// `GET /api/mediakit/assets/{id}/similar?k=10`: the user's assets that look most like this one,
/// most alike first: `[{"score": 0.93, "asset": AssetResponseDto}]` (cosine similarity of the
/// built-in colour and texture descriptor, 1 = the same look).
///
/// `GET /api/mediakit/trash`: the user's assets in the trash, longest there first
/// (`[AssetResponseDto]`; Immich's API has no plain way to list the trash).
struct NativeRoutes {
    let library: BlockingWork

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get("trash") { _, context in
            let user = try context.requireUser()
            return try await library.run { try $0.trashedAssets(owner: user.id) }.map { AssetResponse($0, source: nil) }
        }
        group.get("assets/:id/similar") { request, context in
            let user = try context.requireUser()
            let k = min(100, max(1, request.uri.queryParameters.get("k").flatMap(Int.init) ?? 10))
            guard let id = context.parameters.get("id").flatMap(AssetID.init),
                  try await library.run({ try $0.asset(id, ownedBy: user.id) }) != nil else {
                throw ImmichError(.notFound, "Asset not found")
            }
            do {
                let similar = try await library.run { try $0.similar(to: id, k: k) }
                return similar.map { SimilarAssetResponse(score: Double($0.score), asset: AssetResponse($0.asset, source: nil)) }
            } catch let error as MediaStoreError {
                throw ImmichError(error)
            }
        }
    }
}

/// One answer of `GET /api/mediakit/assets/{id}/similar`.
struct SimilarAssetResponse: ResponseCodable {
    var score: Double
    var asset: AssetResponse
}
