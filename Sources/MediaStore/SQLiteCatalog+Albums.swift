import Foundation
import GRDB
import MediaCore

/// Albums in the catalog (tables `albums` and `album_assets` of migration `v1-library`).
extension SQLiteCatalog {
    func albums(owner: UserID, id: AlbumID?) throws(MediaStoreError) -> [Album] {
        try read("reading the albums") { db in
            var sql = """
                SELECT l.id, l.name, l.description, l.cover_asset_id, l.created_at, l.updated_at,
                       count(a.id), min(coalesce(a.captured_at, a.created_at)), max(coalesce(a.captured_at, a.created_at))
                FROM albums l
                LEFT JOIN album_assets x ON x.album_id = l.id
                LEFT JOIN assets a ON a.id = x.asset_id AND a.trashed_at IS NULL
                WHERE l.owner_id = ?
                """
            var arguments: [any DatabaseValueConvertible] = [owner.description]
            if let id {
                sql += " AND l.id = ?"
                arguments.append(id.description)
            }
            sql += " GROUP BY l.id ORDER BY l.name, l.created_at"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).compactMap { row in
                guard let uuid = UUID(uuidString: row[0] as String) else { return nil }
                let cover: String? = row[3], start: Double? = row[7], end: Double? = row[8]
                return Album(id: AlbumID(uuid), ownerID: owner, name: row[1], description: row[2], coverAssetID: cover.flatMap(AssetID.init),
                             assetCount: row[6], startDate: start.map(Date.init(timeIntervalSince1970:)),
                             endDate: end.map(Date.init(timeIntervalSince1970:)), createdAt: Date(timeIntervalSince1970: row[4]),
                             updatedAt: Date(timeIntervalSince1970: row[5]))
            }
        }
    }

    func insert(_ album: Album) throws(MediaStoreError) {
        try write("making the album \(album.name)") { db in
            try db.execute(sql: """
                INSERT INTO albums (id, owner_id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [album.id.description, album.ownerID.description, album.name, album.description,
                                 album.createdAt.timeIntervalSince1970, album.updatedAt.timeIntervalSince1970])
        }
    }

    func addAssets(_ assets: [AssetID], toAlbum album: AlbumID, owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID: AlbumAddition] {
        try write("adding \(assets.count) assets to an album") { db in
            var out: [AssetID: AlbumAddition] = [:]
            for asset in assets where out[asset] == nil {
                guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM assets WHERE id = ? AND owner_id = ?"),
                                        arguments: [asset.description, owner.description]) == true else {
                    out[asset] = .notFound
                    continue
                }
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO album_assets (album_id, asset_id, added_at) VALUES (?, ?, ?)")
                    .execute(arguments: [album.description, asset.description, now.timeIntervalSince1970])
                out[asset] = db.changesCount > 0 ? .added : .duplicate
            }
            if out.values.contains(.added) {
                try db.execute(sql: "UPDATE albums SET updated_at = ? WHERE id = ?", arguments: [now.timeIntervalSince1970, album.description])
            }
            return out
        }
    }

    func assetIDs(inAlbum album: AlbumID, owner: UserID) throws(MediaStoreError) -> [AssetID] {
        try read("reading an album") { db in
            try String.fetchAll(db, sql: """
                SELECT a.id FROM album_assets x JOIN assets a ON a.id = x.asset_id JOIN albums l ON l.id = x.album_id
                WHERE x.album_id = ? AND l.owner_id = ? AND a.trashed_at IS NULL
                ORDER BY coalesce(a.captured_at, a.created_at), a.rowid
                """, arguments: [album.description, owner.description]).compactMap(AssetID.init)
        }
    }
}
