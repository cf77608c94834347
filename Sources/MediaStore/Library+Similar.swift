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
    ///
    /// The search runs on the owner's persisted ``HNSWIndex`` (see ``updateVectorIndexes(owner:)``),
    /// which is caught up with the catalog first; any number of searches run at the same time.
    /// - Complexity: about O(log n) distance computations once the index is loaded.
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

    /// Brings the owner's vector indexes up to date with the catalog and saves them when due
    /// (imports and regenerations call it when they finish; a search does it too, so calling it
    /// is never needed for correct answers, only to have the work done ahead).
    public func updateVectorIndexes(owner: UserID? = nil) throws(MediaStoreError) {
        try vectorIndexes.entry(owner: owner ?? defaultOwner, provider: ColorTextureDescriptor()).catchUp(catalog)
    }

    private func similar(to vector: [Float], owner: UserID, k: Int, excluding: AssetID?) throws(MediaStoreError) -> [SimilarAsset] {
        guard k > 0 else { return [] }
        let index = vectorIndexes.entry(owner: owner, provider: ColorTextureDescriptor())
        // Trashed assets and the asset itself are still in the index: asked for more until k are left.
        var wanted = k + 1
        while true {
            let (matches, total) = try index.search(vector, k: wanted, catalog: catalog)
            let assets = try catalog.embeddedAssets(keys: matches.map(\.id), provider: index.key.provider)
            var out: [SimilarAsset] = []
            for match in matches {
                guard let id = assets[match.id], id != excluding, let asset = try asset(id) else { continue }
                out.append(SimilarAsset(asset: asset, score: 1 - match.distance))
                if out.count == k { return out }
            }
            if matches.count < wanted || wanted >= total { return out }
            wanted = min(total, wanted * 4)
        }
    }
}
