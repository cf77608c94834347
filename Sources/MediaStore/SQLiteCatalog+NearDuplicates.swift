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
    /// caller's write transaction: multi-index hashing through the four substring indexes, then
    /// the full distances checked against `policy`.
    /// - Complexity: four indexed lookups of at most 137 values each (pHash radius up to 11),
    ///   whatever the number of assets.
    static func recordPerceptualHash(_ hash: PerceptualHash, of asset: AssetID, owner: UserID,
                                     policy: NearDuplicatePolicy, _ db: Database) throws {
        let s = substrings(hash.phash)
        try db.cachedStatement(sql: """
            INSERT INTO perceptual_hashes (asset_id, owner_id, phash, dhash, flat, s0, s1, s2, s3)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (asset_id) DO UPDATE SET phash = excluded.phash, dhash = excluded.dhash, flat = excluded.flat,
                s0 = excluded.s0, s1 = excluded.s1, s2 = excluded.s2, s3 = excluded.s3
            """).execute(arguments: [asset.description, owner.description, Int64(bitPattern: hash.phash),
                                     Int64(bitPattern: hash.dhash), hash.isFlat, s[0], s[1], s[2], s[3]])
        try db.cachedStatement(sql: "DELETE FROM near_duplicates WHERE asset_id = ? OR other_id = ?")
            .execute(arguments: [asset.description, asset.description])
        guard !hash.isFlat else { return }
        for match in try matches(of: hash, owner: owner, excluding: asset, policy: policy, db) {
            let (a, b) = asset.description < match.id ? (asset.description, match.id) : (match.id, asset.description)
            try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO near_duplicates (asset_id, other_id, phash_distance, dhash_distance) VALUES (?, ?, ?, ?)
                """).execute(arguments: [a, b, match.phash, match.dhash])
        }
    }

    /// The owner's assets (other than `excluding`) whose hashes match `hash` under `policy`.
    static func matches(of hash: PerceptualHash, owner: UserID, excluding: AssetID, policy: NearDuplicatePolicy,
                        _ db: Database) throws -> [(id: String, phash: Int, dhash: Int)] {
        let radius = max(0, policy.maxPHashDistance)
        let masks = HammingIndex.substringMasks(radius: radius)
        let s = substrings(hash.phash)
        var candidates: [String: (Int64, Int64)] = [:]
        let placeholders = Array(repeating: "?", count: masks.count).joined(separator: ",")
        for t in 0..<4 {
            // One statement per substring, its IN list as long as the mask list (cached).
            let sql = "SELECT asset_id, phash, dhash FROM perceptual_hashes WHERE owner_id = ? AND flat = 0 AND s\(t) IN (\(placeholders))"
            var arguments: [any DatabaseValueConvertible] = [owner.description]
            for mask in masks { arguments.append(Int(UInt16(s[t]) ^ mask)) }
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                let id: String = row[0]
                if id != excluding.description { candidates[id] = (row[1], row[2]) }
            }
        }
        return candidates.compactMap { id, hashes in
            let other = PerceptualHash(phash: UInt64(bitPattern: hashes.0), dhash: UInt64(bitPattern: hashes.1))
            guard policy.matches(hash, other) else { return nil }
            let d = hash.distance(to: other)
            return (id, d.phash, d.dhash)
        }
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
