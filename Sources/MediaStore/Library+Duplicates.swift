public import MediaCore
import MediaML

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
    /// - Complexity: O(pairs) plus one catalog query per group.
    public func nearDuplicateGroups(owner: UserID? = nil) throws(MediaStoreError) -> [NearDuplicateGroup] {
        let who = owner ?? defaultOwner
        var sets = DisjointSets()
        var keys: [AssetID: Int64] = [:]
        var ids: [AssetID] = []
        func key(_ id: AssetID) -> Int64 {
            if let k = keys[id] { return k }
            keys[id] = Int64(ids.count)
            ids.append(id)
            return Int64(ids.count - 1)
        }
        for (a, b) in try catalog.nearDuplicatePairs(owner: who) { sets.join(key(a), key(b)) }
        var groups: [NearDuplicateGroup] = []
        for members in sets.groups() {
            let assets = try catalog.assets(members.map { ids[Int($0)] })
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
