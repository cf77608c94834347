public import MediaCore
public import MediaML
import GRDB

/// Entry points for MediaKit's own benchmarks (`mediabench neardup`, in Benchmarks/), behind
/// `@_spi(Benchmarks)`: not part of the API, they may change or go without notice. They reach
/// the catalog's near-duplicate machinery directly, so that its cost can be measured at a scale
/// (a million pictures) that no import of real files in a benchmark reaches.
extension Library {
    /// For benchmarks only. Stores the perceptual hashes of assets already in the catalog, in
    /// one write transaction.
    /// - Parameters:
    ///   - hashes: The assets (which must exist) and their hashes.
    ///   - findingMatches: `true` records each hash as an import does (the row, then the
    ///     multi-index lookup among the owner's hashes and the pairs it finds); `false` writes
    ///     the rows and their substring indexes only, to fill a large catalog fast: no pairs.
    ///   - owner: Whose assets; `nil` for the ``defaultOwner``.
    @_spi(Benchmarks)
    public func recordPerceptualHashesForBenchmark(_ hashes: [(AssetID, PerceptualHash)], findingMatches: Bool = true,
                                                   owner: UserID? = nil) throws(MediaStoreError) {
        let sqlite = try benchmarkCatalog()
        let who = owner ?? defaultOwner
        try sqlite.write("recording \(hashes.count) perceptual hashes") { db in
            for (asset, hash) in hashes {
                if findingMatches {
                    try sqlite.recordPerceptualHash(hash, of: asset, owner: who, db)
                } else {
                    try SQLiteCatalog.storePerceptualHash(hash, of: asset, owner: who, db)
                }
            }
        }
    }

    /// For benchmarks only. Records each hash as an import does, all in one write transaction
    /// (as an import batch is), timing each record alone: the row written, the lookup among the
    /// owner's hashes in memory (loaded first, untimed), the pairs written. The commit is not timed.
    /// - Parameters:
    ///   - hashes: The assets (which must exist) and their hashes.
    ///   - owner: Whose assets; `nil` for the ``defaultOwner``.
    ///   - keep: Whether to commit; by default the transaction is rolled back, so the catalog
    ///     is left as it was and the same assets can be timed again.
    /// - Returns: For each hash, the time its record took and the number of pairs it made.
    @_spi(Benchmarks)
    public func timePerceptualHashRecordsForBenchmark(_ hashes: [(AssetID, PerceptualHash)], owner: UserID? = nil,
                                                      keep: Bool = false) throws(MediaStoreError) -> [(duration: Duration, pairs: Int)] {
        let sqlite = try benchmarkCatalog()
        let who = owner ?? defaultOwner
        let clock = ContinuousClock()
        do {
            return try sqlite.pool.writeWithoutTransaction { db in
                var out: [(duration: Duration, pairs: Int)] = []
                out.reserveCapacity(hashes.count)
                try db.inTransaction(.immediate) {
                    // Untimed: the owner's hashes loaded into memory (the previous call's
                    // rollback dropped them), as a long-running import has them already.
                    _ = try sqlite.hashMemory.matches(of: PerceptualHash(phash: 0, dhash: 0), owner: who, excluding: AssetID(),
                                                      policy: sqlite.nearDuplicatePolicy, db)
                    for (asset, hash) in hashes {
                        let start = clock.now
                        try sqlite.recordPerceptualHash(hash, of: asset, owner: who, db)
                        let duration = clock.now - start
                        let pairs = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM near_duplicates WHERE asset_id = ? OR other_id = ?"),
                                                     arguments: [asset.description, asset.description]) ?? 0
                        out.append((duration, pairs))
                    }
                    return keep ? .commit : .rollback
                }
                return out
            }
        } catch {
            throw MediaStoreError(.catalog, "timing \(hashes.count) perceptual hash records failed", path: sqlite.path, underlying: "\(error)")
        }
    }

    /// For benchmarks only. Looks each hash up among the owner's stored hashes (the lookup in
    /// memory and the check of its matches' rows, in one read), timing each lookup; in a library
    /// opened for it, the first one also loads the owner's hashes.
    /// - Returns: For each hash, the time its lookup took and the number of matches.
    @_spi(Benchmarks)
    public func timeNearDuplicateLookupsForBenchmark(_ hashes: [PerceptualHash], owner: UserID? = nil) throws(MediaStoreError)
        -> [(duration: Duration, matches: Int)] {
        let sqlite = try benchmarkCatalog()
        let who = owner ?? defaultOwner
        let nobody = AssetID()
        let clock = ContinuousClock()
        return try sqlite.read("timing \(hashes.count) near-duplicate lookups") { db in
            try hashes.map { hash in
                let start = clock.now
                let found = try sqlite.hashMemory.matches(of: hash, owner: who, excluding: nobody, policy: sqlite.nearDuplicatePolicy, db)
                return (clock.now - start, found.count)
            }
        }
    }

    /// For benchmarks only. The number of perceptual hashes stored (all owners).
    @_spi(Benchmarks)
    public func perceptualHashCountForBenchmark() throws(MediaStoreError) -> Int {
        let sqlite = try benchmarkCatalog()
        return try sqlite.read("counting the perceptual hashes") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM perceptual_hashes") ?? 0
        }
    }

    private func benchmarkCatalog() throws(MediaStoreError) -> SQLiteCatalog {
        guard let sqlite = catalog as? SQLiteCatalog else {
            throw MediaStoreError(.catalog, "the benchmark entry points need the SQLite catalog")
        }
        return sqlite
    }
}
