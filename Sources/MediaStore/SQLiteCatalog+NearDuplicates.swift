import Foundation
import GRDB
import MediaCore
import MediaML

/// Perceptual hashes and near-duplicate pairs in the catalog (migration `v2-near-duplicates`).
extension SQLiteCatalog {
    /// The four 16-bit substrings of a hash, `s0` the most significant.
    static func substrings(_ hash: UInt64) -> [Int] {
        (0..<4).map { Int(UInt16(truncatingIfNeeded: hash >> UInt64(48 - 16 * $0))) }
    }

    /// Stores an asset's hashes and the pairs it makes with the owner's other assets, inside the
    /// caller's write transaction: the owner's hashes in memory (``PerceptualHashMemory``, multi-
    /// index hashing) give the candidates, each checked against its row and `nearDuplicatePolicy`.
    /// - Complexity: 4 × 137 bucket probes (pHash radius up to 11) and the hashes found in them,
    ///   about 1/118 of the owner's hashes from 65,536 on: 0.2 ms at a million.
    func recordPerceptualHash(_ hash: PerceptualHash, of asset: AssetID, owner: UserID, _ db: Database) throws {
        try Self.storePerceptualHash(hash, of: asset, owner: owner, db)
        try db.cachedStatement(sql: "DELETE FROM near_duplicates WHERE asset_id = ? OR other_id = ?")
            .execute(arguments: [asset.description, asset.description])
        guard !hash.isFlat else { return }
        for match in try hashMemory.matches(of: hash, owner: owner, excluding: asset, policy: nearDuplicatePolicy, db) {
            let other = match.id.description
            let (a, b) = asset.description < other ? (asset.description, other) : (other, asset.description)
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO near_duplicates (asset_id, other_id, phash_distance, dhash_distance) VALUES (?, ?, ?, ?)
                """).execute(arguments: [a, b, match.phash, match.dhash])
        }
    }

    /// Writes (or replaces) an asset's hash row alone, numbered in the change log the memory
    /// catches up from: no lookup, no pairs. Part of ``recordPerceptualHash(_:of:owner:_:)``; on
    /// its own only to fill a catalog for a benchmark.
    static func storePerceptualHash(_ hash: PerceptualHash, of asset: AssetID, owner: UserID, _ db: Database) throws {
        let s = substrings(hash.phash)
        guard let seq = try Int64.fetchOne(db.cachedStatement(sql: "UPDATE perceptual_hash_counter SET last = last + 1 RETURNING last")) else {
            throw MediaStoreError(.catalog, "the perceptual hash counter is missing")
        }
        try db.cachedStatement(sql: """
            INSERT INTO perceptual_hashes (asset_id, owner_id, phash, dhash, flat, s0, s1, s2, s3, seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (asset_id) DO UPDATE SET phash = excluded.phash, dhash = excluded.dhash, flat = excluded.flat,
                s0 = excluded.s0, s1 = excluded.s1, s2 = excluded.s2, s3 = excluded.s3, seq = excluded.seq
            """).execute(arguments: [asset.description, owner.description, Int64(bitPattern: hash.phash),
                                     Int64(bitPattern: hash.dhash), hash.isFlat, s[0], s[1], s[2], s[3], seq])
    }

    /// The near-duplicate pairs among the owner's assets that are not in the trash.
    func nearDuplicatePairs(owner: UserID) throws(MediaStoreError) -> [(AssetID, AssetID)] {
        try read("reading the near-duplicate pairs") { db in
            try Row.fetchAll(db, sql: """
                SELECT n.asset_id, n.other_id FROM near_duplicates n
                JOIN assets a ON a.id = n.asset_id JOIN assets b ON b.id = n.other_id
                WHERE a.owner_id = ? AND a.trashed_at IS NULL AND b.trashed_at IS NULL
                """, arguments: [owner.description]).compactMap { row in
                guard let a = AssetID(row[0] as String), let b = AssetID(row[1] as String) else { return nil }
                return (a, b)
            }
        }
    }

    /// Finds every pair again from the stored hashes (after a change of policy, or to repair):
    /// each owner's hashes go through an in-memory `NearDuplicateFinder`, and the pairs replace
    /// the stored ones in one transaction.
    /// - Returns: The number of pairs.
    func rescanNearDuplicates(policy: NearDuplicatePolicy) throws(MediaStoreError) -> Int {
        try write("finding the near-duplicate pairs again") { db in
            try db.execute(sql: "DELETE FROM near_duplicates")
            var finders: [String: NearDuplicateFinder] = [:]
            var ids: [String] = []
            var pairs = 0
            let rows = try Row.fetchCursor(db, sql: "SELECT asset_id, owner_id, phash, dhash, flat FROM perceptual_hashes ORDER BY asset_id")
            while let row = try rows.next() {
                let id: String = row[0], owner: String = row[1]
                let hash = PerceptualHash(phash: UInt64(bitPattern: row[2]), dhash: UInt64(bitPattern: row[3]), isFlat: row[4])
                let key = Int64(ids.count)
                ids.append(id)
                // Changed in place: a copy of a finder would copy its index at every add.
                for match in finders[owner, default: NearDuplicateFinder(policy: policy)].add(id: key, hash: hash) {
                    // Ids come in ascending order: the earlier one is the smaller.
                    try db.cachedStatement(sql: """
                        INSERT OR IGNORE INTO near_duplicates (asset_id, other_id, phash_distance, dhash_distance) VALUES (?, ?, ?, ?)
                        """).execute(arguments: [ids[Int(match.id)], id, match.phash, match.dhash])
                    pairs += 1
                }
            }
            return pairs
        }
    }
}
