import Foundation
import GRDB
import MediaCore

/// Users and API keys in the catalog (tables `users` and `api_keys` of migration `v1-library`), and
/// where uploads came from (`v6-upload-sources`).
extension SQLiteCatalog {
    func users() throws(MediaStoreError) -> [User] {
        try read("reading the users") { db in
            try Row.fetchAll(db, sql: "SELECT id, name, email, is_admin, created_at FROM users ORDER BY created_at, rowid").compactMap { row in
                guard let id = UserID(row[0] as String) else { return nil }
                return User(id: id, name: row[1], email: row[2], isAdmin: row[3], createdAt: Date(timeIntervalSince1970: row[4]))
            }
        }
    }

    func insert(_ user: User) throws(MediaStoreError) {
        try write("adding the user \(user.name)") { db in
            try db.execute(sql: "INSERT INTO users (id, name, email, is_admin, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [user.id.description, user.name, user.email, user.isAdmin, user.createdAt.timeIntervalSince1970])
        }
    }

    func insert(_ key: APIKey, hash: [UInt8]) throws(MediaStoreError) {
        try write("making an API key") { db in
            try db.execute(sql: "INSERT INTO api_keys (id, user_id, name, key_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [key.id.description, key.userID.description, key.name, Data(hash), key.createdAt.timeIntervalSince1970])
        }
    }

    func apiKeys(of user: UserID) throws(MediaStoreError) -> [APIKey] {
        try read("reading the API keys") { db in
            try Row.fetchAll(db, sql: "SELECT id, user_id, name, created_at, last_used_at FROM api_keys WHERE user_id = ? ORDER BY created_at, rowid",
                             arguments: [user.description]).compactMap(Self.apiKey)
        }
    }

    func deleteAPIKey(_ id: APIKeyID) throws(MediaStoreError) -> Bool {
        try write("revoking an API key") { db in
            try db.execute(sql: "DELETE FROM api_keys WHERE id = ?", arguments: [id.description])
            return db.changesCount > 0
        }
    }

    func user(forKeyHash hash: [UInt8], now: Date) throws(MediaStoreError) -> User? {
        let found = try read("checking an API key") { db -> (User, key: String, lastUsed: Double?)? in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT u.id, u.name, u.email, u.is_admin, u.created_at, k.id, k.last_used_at
                FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = ?
                """), arguments: [Data(hash)]), let id = UserID(row[0] as String) else { return nil }
            return (User(id: id, name: row[1], email: row[2], isAdmin: row[3], createdAt: Date(timeIntervalSince1970: row[4])), row[5], row[6])
        }
        guard let found else { return nil }
        // Recorded at most once a minute: a busy client must not turn every request into a write.
        if (found.lastUsed ?? 0) < now.timeIntervalSince1970 - 60 {
            try write("recording an API key's use") { db in
                try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, found.key])
            }
        }
        return found.0
    }

    private static func apiKey(_ row: Row) -> APIKey? {
        guard let id = UUID(uuidString: row[0] as String), let user = UserID(row[1] as String) else { return nil }
        let lastUsed: Double? = row[4]
        return APIKey(id: APIKeyID(id), userID: user, name: row[2], createdAt: Date(timeIntervalSince1970: row[3]),
                      lastUsedAt: lastUsed.map { Date(timeIntervalSince1970: $0) })
    }

    func recordUploadSource(of asset: AssetID, deviceID: String, deviceAssetID: String) throws(MediaStoreError) {
        try write("recording where an upload came from") { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO upload_sources (asset_id, device_id, device_asset_id, uploaded_at) VALUES (?, ?, ?, ?)
                """, arguments: [asset.description, deviceID, deviceAssetID, Date().timeIntervalSince1970])
        }
    }

    func uploadSource(of asset: AssetID) throws(MediaStoreError) -> UploadSource? {
        try read("reading where an upload came from") { db in
            try Row.fetchOne(db, sql: "SELECT device_id, device_asset_id FROM upload_sources WHERE asset_id = ?",
                             arguments: [asset.description]).map { UploadSource(deviceID: $0[0], deviceAssetID: $0[1]) }
        }
    }
}
