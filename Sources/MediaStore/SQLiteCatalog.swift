import MediaCore
import Foundation
import GRDB
import MediaML

/// The catalog on SQLite through GRDB: a `DatabasePool` in WAL mode (readers never wait for
/// the writer), foreign keys on, `synchronous=FULL` so a committed import survives a power cut,
/// and the named migrations of ``CatalogSchema``.
final class SQLiteCatalog: Catalog {
    let pool: DatabasePool
    /// When two assets are near-duplicates (pairs are found as assets are recorded).
    let nearDuplicatePolicy = NearDuplicatePolicy()
    /// The owners' perceptual hashes in memory, for the lookups of the pairs.
    let hashMemory = PerceptualHashMemory()
    let path: String

    /// Opens (creating when missing) the catalog at `path` and brings its schema up to date.
    init(path: String) throws(MediaStoreError) {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(30)
        config.label = "MediaKit.catalog"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            db.add(function: SQLiteCatalog.distanceFunction)
        }
        self.path = path
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw MediaStoreError(.notALibrary, "cannot open the catalog", path: path, underlying: "\(error)")
        }
        do {
            let migrator = CatalogSchema.migrator()
            let known = Set(migrator.migrations)
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw MediaStoreError(.notALibrary, "the catalog was written by a newer MediaKit (migration '\(unknown)')", path: path)
            }
            try migrator.migrate(pool)
        } catch let error as MediaStoreError {
            throw error
        } catch {
            throw MediaStoreError(.notALibrary, "cannot prepare the catalog", path: path, underlying: "\(error)")
        }
    }

    /// Runs a read, turning database errors into `MediaStoreError`s.
    func read<T>(_ what: @autoclosure () -> String, _ body: (Database) throws -> T) throws(MediaStoreError) -> T {
        do {
            return try pool.read(body)
        } catch let error as MediaStoreError {
            throw error
        } catch {
            throw MediaStoreError(.catalog, "\(what()) failed", path: path, underlying: "\(error)")
        }
    }

    /// Runs a write transaction, turning database errors into `MediaStoreError`s.
    func write<T>(_ what: @autoclosure () -> String, _ body: (Database) throws -> T) throws(MediaStoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as MediaStoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw MediaStoreError(.diskFull, "\(what()) failed: the disk is full", path: path, underlying: "\(error)")
        } catch {
            throw MediaStoreError(.catalog, "\(what()) failed", path: path, underlying: "\(error)")
        }
    }

    // MARK: Users

    /// The library's first administrator, created with the library; the owner of what the CLI imports.
    func ensureDefaultUser(name: String) throws(MediaStoreError) -> UserID {
        try write("creating the default user") { db in
            if let id = try String.fetchOne(db, sql: "SELECT id FROM users WHERE is_admin = 1 ORDER BY created_at, rowid LIMIT 1"),
               let user = UserID(id) {
                return user
            }
            let user = UserID()
            try db.execute(sql: "INSERT INTO users (id, name, is_admin, created_at) VALUES (?, ?, 1, ?)",
                           arguments: [user.description, name, Date().timeIntervalSince1970])
            return user
        }
    }

    // MARK: Import

    func knownSource(path: String) throws(MediaStoreError) -> KnownSource? {
        try read("looking up \(path)") { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, mtime, sha256 FROM import_sources WHERE path = ?"),
                                             arguments: [path]) else { return nil }
            return KnownSource(size: row["size"], mtime: row["mtime"], sha256: Hex.text(row["sha256"]))
        }
    }

    /// The asset of `owner` holding these bytes, if any.
    func assetID(owner: UserID, sha256: String) throws(MediaStoreError) -> AssetID? {
        try read("looking up a hash") { db in
            try String.fetchOne(db, sql: "SELECT id FROM assets WHERE owner_id = ? AND sha256 = ?",
                                arguments: [owner.description, Hex.blob(sha256)]).flatMap(AssetID.init)
        }
    }

    func assetID(owner: UserID, sha1: String) throws(MediaStoreError) -> AssetID? {
        try read("looking up a SHA-1") { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM assets WHERE owner_id = ? AND sha1 = ? ORDER BY rowid LIMIT 1"),
                                arguments: [owner.description, Hex.blob(sha1)]).flatMap(AssetID.init)
        }
    }

    /// Writes a batch of imports in one transaction. A file whose bytes the owner already has
    /// (stored by an earlier batch or a concurrent import) is recorded as a duplicate source of
    /// that asset instead.
    func record(_ batch: [PendingImport]) throws(MediaStoreError) -> [Recorded] {
        try write("recording \(batch.count) imported files") { db in
            let now = Date().timeIntervalSince1970
            var out: [Recorded] = []
            out.reserveCapacity(batch.count)
            for item in batch {
                let recorded: Recorded
                let sha256: String
                switch item.content {
                case .duplicate(let hash, let existing):
                    sha256 = hash
                    recorded = .duplicate(of: existing)
                case .new(let a, let derived, let perceptual, let embedding):
                    sha256 = a.hash.sha256
                    if let existing = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM assets WHERE owner_id = ? AND sha256 = ?"),
                                                          arguments: [a.ownerID.description, Hex.blob(sha256)]).flatMap(AssetID.init) {
                        recorded = .duplicate(of: existing)
                    } else {
                        try AssetRow.insert(a, db)
                        for file in derived { try Self.insertDerived(file, of: a.id, db, now: now) }
                        if let perceptual {
                            try self.recordPerceptualHash(perceptual, of: a.id, owner: a.ownerID, db)
                        }
                        if let embedding { try Self.recordEmbedding(embedding, of: a.id, owner: a.ownerID, db) }
                        recorded = .imported(a.id)
                    }
                }
                let assetID: AssetID
                let status: String
                switch recorded {
                case .imported(let id): assetID = id; status = "imported"
                case .duplicate(of: let id): assetID = id; status = "duplicate"
                }
                guard item.recordsSource else {
                    out.append(recorded)
                    continue
                }
                try db.cachedStatement(sql: """
                    INSERT INTO import_sources (path, size, mtime, sha256, asset_id, status, imported_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, sha256 = excluded.sha256,
                        asset_id = excluded.asset_id, status = excluded.status, imported_at = excluded.imported_at
                    """).execute(arguments: [item.sourcePath, item.sourceSize, item.sourceMTime, Hex.blob(sha256),
                                            assetID.description, status, now])
                out.append(recorded)
            }
            return out
        }
    }

    static func insertDerived(_ f: DerivedFile, of asset: AssetID, _ db: Database, now: Double) throws {
        try db.cachedStatement(sql: """
            INSERT INTO derived_files (asset_id, kind, status, path, format, width, height, size, error, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (asset_id, kind) DO UPDATE SET status = excluded.status, path = excluded.path, format = excluded.format,
                width = excluded.width, height = excluded.height, size = excluded.size, error = excluded.error,
                created_at = excluded.created_at
            """).execute(arguments: [asset.description, f.kind.rawValue, f.status.rawValue, f.path, f.format?.rawValue,
                                     f.width, f.height, f.size, f.error, now])
    }
}
