public import MediaCore
import MediaML

/// An asset that looks like the one asked about, and how much (cosine similarity, 1 = the same).
public struct SimilarAsset: Sendable, Hashable {
    /// The asset.
    public var asset: Asset
    /// Cosine similarity of the two embeddings, −1...1.
    public var score: Float
}

extension Library {
    /// The `k` assets of the owner that look most like `asset` ("more like this"), most alike
    /// first, the asset itself left out; by the built-in ``ColorTextureDescriptor``'s vectors,
    /// made during import (photos imported without thumbnails have none: regenerate them).
    /// - Complexity: an exact search over the owner's vectors, O(n·d); fine for a few hundred
    ///   thousand photos. A persisted ``HNSWIndex`` for larger libraries is the next step.
    public func similar(to asset: AssetID, k: Int = 10) throws(MediaStoreError) -> [SimilarAsset] {
        let provider = ColorTextureDescriptor()
        guard let vector = try catalog.embedding(of: asset, provider: provider.name) else {
            throw MediaStoreError(.notFound, "asset \(asset) has no embedding (imported without thumbnails? "
                                  + "media regenerate-thumbnails --missing makes one)", assetID: asset)
        }
        let owner = try self.asset(asset)?.ownerID ?? defaultOwner
        return try similar(to: vector, owner: owner, k: k, excluding: asset)
    }

    /// The `k` assets that look most like the photo at `path` (decoded once, not imported).
    /// - Throws: `MediaStoreError` naming the file when it cannot be read or decoded.
    public func similar(toFile path: String, owner: UserID? = nil, k: Int = 10) throws(MediaStoreError) -> [SimilarAsset] {
        let rendered: RenderedImages
        let vector: [Float]
        do throws(MediaCoreError) {
            let metadata = try StandardMetadataReader().read(path: path)
            rendered = try thumbnailer().render(path: path, metadata: metadata)
            vector = try ColorTextureDescriptor().embed(rendered)
        } catch {
            throw MediaStoreError(error).at(path)
        }
        return try similar(to: vector, owner: owner ?? defaultOwner, k: k, excluding: nil)
    }

    private func similar(to vector: [Float], owner: UserID, k: Int, excluding: AssetID?) throws(MediaStoreError) -> [SimilarAsset] {
        let provider = ColorTextureDescriptor()
        var index = FlatVectorIndex(dimension: provider.dimension, metric: .cosine)
        var ids: [AssetID] = []
        try catalog.forEachEmbedding(owner: owner, provider: provider.name) { id, v in
            // A stored vector of another length or with NaN cannot be compared: left out.
            guard id != excluding, (try? index.insert(v, id: Int64(ids.count))) != nil else { return }
            ids.append(id)
        }
        var out: [SimilarAsset] = []
        for match in index.search(vector, k: k) {
            if let asset = try asset(ids[Int(match.id)]) { out.append(SimilarAsset(asset: asset, score: 1 - match.distance)) }
        }
        return out
    }
}
