import Foundation
import GRDB
import MediaCore

/// Embeddings in the catalog (migrations `v3-embeddings` and `v4-embedding-changes`).
extension SQLiteCatalog {
    static func blob(_ vector: [Float]) -> Data {
        vector.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }
    }

    static func vector(_ blob: Data) -> [Float] {
        blob.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// Stores an asset's embedding (replacing the provider's earlier one, which keeps its key),
    /// numbered in the change log, in the caller's transaction.
    static func recordEmbedding(_ e: Embedding, of asset: AssetID, owner: UserID, _ db: Database) throws {
        guard let seq = try Int64.fetchOne(db.cachedStatement(sql: "UPDATE embedding_counter SET last = last + 1 RETURNING last")) else {
            throw MediaStoreError(.catalog, "the embedding counter is missing")
        }
        try db.cachedStatement(sql: """
            INSERT INTO embeddings (asset_id, provider, owner_id, vector, key, seq) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (asset_id, provider) DO UPDATE SET vector = excluded.vector, seq = excluded.seq
            """).execute(arguments: [asset.description, e.provider, owner.description, blob(e.vector), seq, seq])
    }

    func embeddingSequence() throws(MediaStoreError) -> Int64 {
        try read("reading the embedding counter") { db in
            try Int64.fetchOne(db, sql: "SELECT last FROM embedding_counter") ?? 0
        }
    }

    func forEachEmbeddingChange(owner: UserID, provider: String, after sequence: Int64,
                                _ body: (Int64, [Float]?) throws -> Void) throws(MediaStoreError) -> Int64 {
        try read("reading the changed embeddings") { db in
            let last = try Int64.fetchOne(db, sql: "SELECT last FROM embedding_counter") ?? 0
            let rows = try Row.fetchCursor(db, sql: """
                SELECT seq, key, vector FROM embeddings WHERE owner_id = ?1 AND provider = ?2 AND seq > ?3
                UNION ALL
                SELECT seq, key, NULL FROM embedding_removals WHERE owner_id = ?1 AND provider = ?2 AND seq > ?3
                ORDER BY 1
                """, arguments: [owner.description, provider, sequence])
            while let row = try rows.next() {
                // A row written without the change log (no key) cannot be in an index.
                guard let key: Int64 = row[1] else { continue }
                let vector: Data? = row[2]
                try body(key, vector.map(Self.vector))
            }
            return last
        }
    }

    func embeddedAssets(keys: [Int64], provider: String) throws(MediaStoreError) -> [Int64: AssetID] {
        guard !keys.isEmpty else { return [:] }
        return try read("reading the assets of embeddings") { db in
            var out: [Int64: AssetID] = [:]
            // At most 500 keys per statement, well under SQLite's limit of bound values.
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = keys[start..<min(keys.count, start + 500)]
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT e.key, e.asset_id FROM embeddings e JOIN assets a ON a.id = e.asset_id
                    WHERE e.provider = ? AND a.trashed_at IS NULL AND e.key IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ",")))
                    """, arguments: StatementArguments([provider] + chunk.map { $0 as any DatabaseValueConvertible }))
                while let row = try rows.next() {
                    if let id = AssetID(row[1] as String) { out[row[0]] = id }
                }
            }
            return out
        }
    }

    func embedding(of asset: AssetID, provider: String) throws(MediaStoreError) -> [Float]? {
        try read("reading the embedding of \(asset)") { db in
            try Data.fetchOne(db, sql: "SELECT vector FROM embeddings WHERE asset_id = ? AND provider = ?",
                              arguments: [asset.description, provider]).map(Self.vector)
        }
    }

    func forEachEmbedding(owner: UserID, provider: String, _ body: (AssetID, [Float]) throws -> Void) throws(MediaStoreError) {
        try read("reading the embeddings") { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT e.asset_id, e.vector FROM embeddings e JOIN assets a ON a.id = e.asset_id
                WHERE e.owner_id = ? AND e.provider = ? AND a.trashed_at IS NULL
                """, arguments: [owner.description, provider])
            while let row = try rows.next() {
                guard let id = AssetID(row[0] as String) else { continue }
                try body(id, Self.vector(row[1]))
            }
        }
    }
}
