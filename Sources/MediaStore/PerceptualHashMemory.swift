import Foundation
import GRDB
import MediaCore
import MediaML
import Synchronization

/// The owners' perceptual hashes in memory, for the near-duplicate lookup each recorded photo
/// makes: a `HammingIndex` (multi-index hashing) per owner, loaded from the catalog on first
/// use and caught up from the rows numbered after what it holds (migration
/// `v5-perceptual-hash-changes`), so rows written by another process are seen too.
///
/// At a million hashes a lookup in memory takes about 0.2 ms where the same multi-index lookup
/// through SQLite's indexes took 39 ms (BENCHMARKS.md); the price is about 90 bytes per hash
/// while the library is open for writing.
///
/// What it holds is a cache, never the truth: every match is checked against the catalog's
/// row before a pair is written (an asset deleted since is dropped from memory then), and a
/// write transaction that is rolled back makes the owner's hashes load again next time (its
/// rows, read while it ran, are gone and their numbers will be used again).
final class PerceptualHashMemory: Sendable {
    private let owners = Mutex<[UserID: OwnerHashes]>([:])

    /// One owner's hashes: `hashes[n]` is asset `assets[n]`'s, in `index` under n unless flat.
    struct OwnerHashes: Sendable {
        var index = HammingIndex()
        var numbers: [AssetID: Int64] = [:]
        var assets: [AssetID] = []
        var hashes: [PerceptualHash] = []
        /// The change number caught up to.
        var last: Int64 = 0
        /// Whether the current write transaction's end is being watched.
        var watching = false

        mutating func set(_ asset: AssetID, _ hash: PerceptualHash) {
            if let n = numbers[asset] {
                let old = hashes[Int(n)]
                if !old.isFlat { index.remove(old.phash, id: n) }
                hashes[Int(n)] = hash
                if !hash.isFlat { index.insert(hash.phash, id: n) }
            } else {
                let n = Int64(assets.count)
                numbers[asset] = n
                assets.append(asset)
                hashes.append(hash)
                if !hash.isFlat { index.insert(hash.phash, id: n) }
            }
        }

        /// Forgets an asset's hash (its row is gone).
        mutating func drop(_ asset: AssetID) {
            guard let n = numbers[asset] else { return }
            let old = hashes[Int(n)]
            if !old.isFlat { index.remove(old.phash, id: n) }
            hashes[Int(n)] = PerceptualHash(phash: 0, dhash: 0, isFlat: true)
        }
    }

    /// The owner's assets, other than `excluding`, whose stored hashes match `hash` under
    /// `policy`, as the catalog holds them in `db` (the caller's transaction).
    func matches(of hash: PerceptualHash, owner: UserID, excluding: AssetID, policy: NearDuplicatePolicy,
                 _ db: Database) throws -> [(id: AssetID, phash: Int, dhash: Int)] {
        try owners.withLock { all throws -> [(id: AssetID, phash: Int, dhash: Int)] in
            // Taken out and put back, so it is changed in place rather than copied.
            var state = all.removeValue(forKey: owner) ?? OwnerHashes()
            defer { all[owner] = state }
            try catchUp(&state, owner: owner, db)
            if !db.configuration.readonly, !state.watching {
                state.watching = true
                db.afterNextTransaction(onCommit: { [weak self] _ in self?.settle(owner, keep: true) },
                                        onRollback: { [weak self] _ in self?.settle(owner, keep: false) })
            }
            var found: [(id: AssetID, phash: Int, dhash: Int)] = []
            for candidate in state.index.neighbours(of: hash.phash, within: policy.maxPHashDistance) {
                let asset = state.assets[Int(candidate.id)]
                guard asset != excluding, policy.matches(hash, state.hashes[Int(candidate.id)]) else { continue }
                // Checked against the row: the asset may have been deleted since.
                guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT phash, dhash, flat FROM perceptual_hashes WHERE asset_id = ?"),
                                                 arguments: [asset.description]) else {
                    state.drop(asset)
                    continue
                }
                let stored = PerceptualHash(phash: UInt64(bitPattern: row[0]), dhash: UInt64(bitPattern: row[1]), isFlat: row[2])
                guard !stored.isFlat, policy.matches(hash, stored) else { continue }
                let d = hash.distance(to: stored)
                found.append((asset, d.phash, d.dhash))
            }
            return found
        }
    }

    /// Loads the owner's hashes on first use, then applies the rows numbered after `last`.
    private func catchUp(_ state: inout OwnerHashes, owner: UserID, _ db: Database) throws {
        let latest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT last FROM perceptual_hash_counter")) ?? 0
        // Numbers that went back (a catalog restored from an older copy): load everything again.
        if latest < state.last { state = OwnerHashes() }
        let loaded = !state.assets.isEmpty || state.last > 0
        guard !loaded || latest > state.last else { return }
        let rows = loaded
            ? try Row.fetchCursor(db.cachedStatement(sql: "SELECT asset_id, phash, dhash, flat FROM perceptual_hashes WHERE owner_id = ? AND seq > ?"),
                                  arguments: [owner.description, state.last])
            : try Row.fetchCursor(db.cachedStatement(sql: "SELECT asset_id, phash, dhash, flat FROM perceptual_hashes WHERE owner_id = ?"),
                                  arguments: [owner.description])
        while let row = try rows.next() {
            guard let asset = AssetID(row[0] as String) else { continue }
            state.set(asset, PerceptualHash(phash: UInt64(bitPattern: row[1]), dhash: UInt64(bitPattern: row[2]), isFlat: row[3]))
        }
        state.last = latest
    }

    /// At the end of a write transaction: kept when committed, forgotten when rolled back.
    private func settle(_ owner: UserID, keep: Bool) {
        owners.withLock { all in
            if keep { all[owner]?.watching = false } else { all[owner] = nil }
        }
    }
}
