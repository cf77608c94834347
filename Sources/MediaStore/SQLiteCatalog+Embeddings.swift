import Foundation
import GRDB
import MediaCore

/// Embeddings in the catalog (migration `v3-embeddings`).
extension SQLiteCatalog {
    static func blob(_ vector: [Float]) -> Data {
        vector.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }
    }

    static func vector(_ blob: Data) -> [Float] {
        blob.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// Stores an asset's embedding (replacing the provider's earlier one), in the caller's transaction.
    static func recordEmbedding(_ e: Embedding, of asset: AssetID, owner: UserID, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO embeddings (asset_id, provider, owner_id, vector) VALUES (?, ?, ?, ?)
            ON CONFLICT (asset_id, provider) DO UPDATE SET vector = excluded.vector
            """).execute(arguments: [asset.description, e.provider, owner.description, blob(e.vector)])
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
