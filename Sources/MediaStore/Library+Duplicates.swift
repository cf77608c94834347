public import MediaCore
public import MediaML

/// A photo stored more than once in different forms (resized, recompressed, converted...): the
/// assets, best first, and which one to keep.
public struct NearDuplicateGroup: Sendable, Hashable {
    /// The assets, best first (``KeepSuggestion/ranked(_:)``).
    public var assets: [Asset]
    /// The one to keep: the first.
    public var keep: AssetID

    /// Creates a group of assets, ranking them.
    public init(assets: [Asset]) {
        self.assets = KeepSuggestion.ranked(assets)
        keep = self.assets.first?.id ?? AssetID()
    }
}

extension Library {
    /// The owner's near-duplicate groups (assets in the trash left out), largest group first.
    ///
    /// Pairs are found as photos are imported (or their thumbnails made again): each new photo's
    /// perceptual hashes are looked up among the owner's others through the catalog's
    /// multi-index hashing indexes, so finding them costs the same in a library of any size.
    /// Groups are the pairs' connected components.
    /// - Parameter owner: Whose assets; `nil` for the ``defaultOwner``.
    /// - Complexity: O(pairs) plus one catalog read per grouped asset.
    public func nearDuplicateGroups(owner: UserID? = nil) throws(MediaStoreError) -> [NearDuplicateGroup] {
        let who = owner ?? defaultOwner
        var finder = NearDuplicateFinder()
        var keys: [AssetID: Int64] = [:]
        var ids: [AssetID] = []
        func key(_ id: AssetID) -> Int64 {
            if let k = keys[id] { return k }
            keys[id] = Int64(ids.count)
            ids.append(id)
            return Int64(ids.count - 1)
        }
        for (a, b) in try catalog.nearDuplicatePairs(owner: who) { finder.join(key(a), key(b)) }
        var groups: [NearDuplicateGroup] = []
        for members in finder.groups() {
            var assets: [Asset] = []
            for k in members { if let asset = try asset(ids[Int(k)]) { assets.append(asset) } }
            if assets.count > 1 { groups.append(NearDuplicateGroup(assets: assets)) }
        }
        return groups.sorted { ($0.assets.count, $1.keep.description) > ($1.assets.count, $0.keep.description) }
    }

    /// Finds every near-duplicate pair of the library again from the stored perceptual hashes,
    /// replacing the pairs found so far (after a change of policy, or to repair). Photos
    /// imported without thumbnails have no hashes: `regenerateThumbnails` makes them.
    /// - Returns: The number of pairs.
    @discardableResult
    public func rescanNearDuplicates() throws(MediaStoreError) -> Int {
        try catalog.rescanNearDuplicates(policy: NearDuplicatePolicy())
    }
}

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
        do {
            try catalog.forEachEmbedding(owner: owner, provider: provider.name) { id, v in
                guard id != excluding, v.count == provider.dimension else { return }
                try index.insert(v, id: Int64(ids.count))
                ids.append(id)
            }
        } catch let error as MediaStoreError {
            throw error
        } catch {
            throw MediaStoreError(.catalog, "reading the embeddings failed: \(error)")
        }
        var out: [SimilarAsset] = []
        for match in index.search(vector, k: k) {
            if let asset = try asset(ids[Int(match.id)]) { out.append(SimilarAsset(asset: asset, score: 1 - match.distance)) }
        }
        return out
    }
}
