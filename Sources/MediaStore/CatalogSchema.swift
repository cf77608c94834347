import GRDB

/// The catalog's migrations. Named and append-only: a migration that has shipped is never
/// edited; changes come as new migrations after it. Invariants live in the schema (NOT NULL,
/// UNIQUE, CHECK, foreign keys), so no code path can store what the model forbids.
enum CatalogSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-library", migrate: v1)
        migrator.registerMigration("v2-near-duplicates", migrate: v2)
        migrator.registerMigration("v3-embeddings", migrate: v3)
        migrator.registerMigration("v4-embedding-changes", migrate: v4)
        migrator.registerMigration("v5-perceptual-hash-changes", migrate: v5)
        migrator.registerMigration("v6-upload-sources", migrate: v6)
        migrator.registerMigration("v7-organise", migrate: v7)
        migrator.registerMigration("v8-file-name-trigrams", migrate: v8)
        return migrator
    }

    /// Times are seconds since 1970 (UTC) as REAL; hashes are BLOBs (32 bytes SHA-256, 20 bytes
    /// SHA-1); ids are lower-case UUID text.
    static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE users (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
                email TEXT UNIQUE,
                is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
                created_at REAL NOT NULL
            );

            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY NOT NULL,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                key_hash BLOB NOT NULL UNIQUE CHECK (length(key_hash) = 32),
                created_at REAL NOT NULL,
                last_used_at REAL
            );
            CREATE INDEX api_keys_user ON api_keys(user_id);

            CREATE TABLE assets (
                id TEXT PRIMARY KEY NOT NULL,
                owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
                sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
                sha1 BLOB NOT NULL CHECK (length(sha1) = 20),
                kind TEXT NOT NULL CHECK (kind IN ('image', 'video')),
                format TEXT NOT NULL,
                mime_type TEXT NOT NULL,
                size INTEGER NOT NULL CHECK (size >= 0),
                original_filename TEXT NOT NULL,
                source_path TEXT,
                external_path TEXT,
                file_created_at REAL,
                file_modified_at REAL,
                -- Capture time: the instant (only when the offset is known), the local wall-clock
                -- time 'YYYY-MM-DDTHH:MM:SS[.fff]', the offset in seconds, and where each came from.
                captured_at REAL,
                local_time TEXT,
                utc_offset INTEGER CHECK (utc_offset BETWEEN -64800 AND 64800),
                captured_at_source TEXT,
                utc_offset_source TEXT,
                width INTEGER CHECK (width > 0),
                height INTEGER CHECK (height > 0),
                pixel_width INTEGER CHECK (pixel_width > 0),
                pixel_height INTEGER CHECK (pixel_height > 0),
                orientation INTEGER CHECK (orientation BETWEEN 1 AND 8),
                rotation INTEGER CHECK (rotation IN (0, 90, 180, 270)),
                duration REAL CHECK (duration >= 0),
                make TEXT,
                model TEXT,
                lens TEXT,
                f_number REAL,
                exposure_time REAL,
                iso INTEGER,
                focal_length REAL,
                latitude REAL CHECK (latitude BETWEEN -90 AND 90),
                longitude REAL CHECK (longitude BETWEEN -180 AND 180),
                altitude REAL,
                rating INTEGER CHECK (rating BETWEEN -1 AND 5),
                description TEXT,
                is_favorite INTEGER NOT NULL DEFAULT 0 CHECK (is_favorite IN (0, 1)),
                visibility TEXT NOT NULL DEFAULT 'timeline' CHECK (visibility IN ('timeline', 'archive', 'hidden')),
                trashed_at REAL,
                thumbhash BLOB,
                -- The reader's warnings, as a JSON array; NULL when there were none. (The source of
                -- every other field is what `media metadata` says of the original.)
                metadata_notes TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                CHECK ((latitude IS NULL) = (longitude IS NULL)),
                -- One asset per owner and content; also the index for "which assets hold these bytes".
                UNIQUE (sha256, owner_id)
            );
            CREATE INDEX assets_sha1 ON assets(owner_id, sha1);
            CREATE INDEX assets_timeline ON assets(owner_id, local_time) WHERE trashed_at IS NULL AND visibility = 'timeline';
            CREATE INDEX assets_trashed ON assets(trashed_at) WHERE trashed_at IS NOT NULL;

            -- Assets per owner and month of local capture time, in the timeline (not trashed, not
            -- archived or hidden): kept by the triggers below, so a timeline of a million assets
            -- reads a few hundred rows instead of counting a million.
            CREATE TABLE timeline_months (
                owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                month TEXT NOT NULL,
                count INTEGER NOT NULL CHECK (count > 0),
                PRIMARY KEY (owner_id, month)
            ) WITHOUT ROWID;

            CREATE TRIGGER assets_timeline_insert AFTER INSERT ON assets
            WHEN NEW.trashed_at IS NULL AND NEW.visibility = 'timeline' AND NEW.local_time IS NOT NULL
            BEGIN
                INSERT INTO timeline_months (owner_id, month, count) VALUES (NEW.owner_id, substr(NEW.local_time, 1, 7), 1)
                ON CONFLICT (owner_id, month) DO UPDATE SET count = count + 1;
            END;

            CREATE TRIGGER assets_timeline_delete AFTER DELETE ON assets
            WHEN OLD.trashed_at IS NULL AND OLD.visibility = 'timeline' AND OLD.local_time IS NOT NULL
            BEGIN
                DELETE FROM timeline_months WHERE owner_id = OLD.owner_id AND month = substr(OLD.local_time, 1, 7) AND count = 1;
                UPDATE timeline_months SET count = count - 1 WHERE owner_id = OLD.owner_id AND month = substr(OLD.local_time, 1, 7);
            END;

            CREATE TRIGGER assets_timeline_update AFTER UPDATE OF owner_id, local_time, trashed_at, visibility ON assets
            BEGIN
                DELETE FROM timeline_months
                WHERE OLD.trashed_at IS NULL AND OLD.visibility = 'timeline' AND OLD.local_time IS NOT NULL
                  AND owner_id = OLD.owner_id AND month = substr(OLD.local_time, 1, 7) AND count = 1;
                UPDATE timeline_months SET count = count - 1
                WHERE OLD.trashed_at IS NULL AND OLD.visibility = 'timeline' AND OLD.local_time IS NOT NULL
                  AND owner_id = OLD.owner_id AND month = substr(OLD.local_time, 1, 7);
                INSERT INTO timeline_months (owner_id, month, count)
                SELECT NEW.owner_id, substr(NEW.local_time, 1, 7), 1
                WHERE NEW.trashed_at IS NULL AND NEW.visibility = 'timeline' AND NEW.local_time IS NOT NULL
                ON CONFLICT (owner_id, month) DO UPDATE SET count = count + 1;
            END;

            CREATE TABLE derived_files (
                asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                kind TEXT NOT NULL CHECK (kind IN ('thumbnail', 'preview')),
                status TEXT NOT NULL CHECK (status IN ('ready', 'failed', 'unsupported')),
                path TEXT,
                format TEXT,
                width INTEGER,
                height INTEGER,
                size INTEGER,
                error TEXT,
                created_at REAL NOT NULL,
                PRIMARY KEY (asset_id, kind),
                CHECK ((status = 'ready') = (path IS NOT NULL))
            ) WITHOUT ROWID;

            CREATE TABLE albums (
                id TEXT PRIMARY KEY NOT NULL,
                owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                cover_asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE INDEX albums_owner ON albums(owner_id, name);

            CREATE TABLE album_assets (
                album_id TEXT NOT NULL REFERENCES albums(id) ON DELETE CASCADE,
                asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                added_at REAL NOT NULL,
                PRIMARY KEY (album_id, asset_id)
            ) WITHOUT ROWID;
            CREATE INDEX album_assets_asset ON album_assets(asset_id);

            CREATE TABLE tags (
                id INTEGER PRIMARY KEY,
                owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                parent_id INTEGER REFERENCES tags(id) ON DELETE CASCADE,
                name TEXT NOT NULL CHECK (length(name) > 0 AND instr(name, '/') = 0),
                path TEXT NOT NULL,
                UNIQUE (owner_id, path)
            );

            CREATE TABLE asset_tags (
                asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
                PRIMARY KEY (asset_id, tag_id)
            ) WITHOUT ROWID;
            CREATE INDEX asset_tags_tag ON asset_tags(tag_id);

            -- Every file an import has seen, for incremental rescans: an unchanged path, size
            -- and modification time is not hashed again. Several sources may share one asset
            -- (byte-identical copies).
            CREATE TABLE import_sources (
                path TEXT PRIMARY KEY NOT NULL,
                size INTEGER NOT NULL CHECK (size >= 0),
                mtime REAL NOT NULL,
                sha256 BLOB NOT NULL CHECK (length(sha256) = 32),
                asset_id TEXT REFERENCES assets(id) ON DELETE SET NULL,
                status TEXT NOT NULL CHECK (status IN ('imported', 'duplicate')),
                imported_at REAL NOT NULL
            );
            CREATE INDEX import_sources_asset ON import_sources(asset_id);
            """)
    }

    /// Perceptual hashes and the near-duplicate pairs found with them.
    ///
    /// A hash is stored as its 64-bit pattern in an INTEGER, and again as four 16-bit substrings
    /// (`s0` the most significant), each indexed with the owner: multi-index hashing in SQL, so a
    /// radius query is four indexed `IN` lookups whatever the size of the library (see MediaML's
    /// `HammingIndex`). Pairs are stored once, the smaller id first, only between assets of one
    /// owner; groups are their connected components.
    static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE perceptual_hashes (
                asset_id TEXT PRIMARY KEY NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                phash INTEGER NOT NULL,
                dhash INTEGER NOT NULL,
                flat INTEGER NOT NULL CHECK (flat IN (0, 1)),
                s0 INTEGER NOT NULL CHECK (s0 BETWEEN 0 AND 65535),
                s1 INTEGER NOT NULL CHECK (s1 BETWEEN 0 AND 65535),
                s2 INTEGER NOT NULL CHECK (s2 BETWEEN 0 AND 65535),
                s3 INTEGER NOT NULL CHECK (s3 BETWEEN 0 AND 65535)
            ) WITHOUT ROWID;
            CREATE INDEX perceptual_hashes_s0 ON perceptual_hashes(owner_id, s0) WHERE flat = 0;
            CREATE INDEX perceptual_hashes_s1 ON perceptual_hashes(owner_id, s1) WHERE flat = 0;
            CREATE INDEX perceptual_hashes_s2 ON perceptual_hashes(owner_id, s2) WHERE flat = 0;
            CREATE INDEX perceptual_hashes_s3 ON perceptual_hashes(owner_id, s3) WHERE flat = 0;

            CREATE TABLE near_duplicates (
                asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                other_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                phash_distance INTEGER NOT NULL CHECK (phash_distance BETWEEN 0 AND 64),
                dhash_distance INTEGER NOT NULL CHECK (dhash_distance BETWEEN 0 AND 64),
                PRIMARY KEY (asset_id, other_id),
                CHECK (asset_id < other_id)
            ) WITHOUT ROWID;
            CREATE INDEX near_duplicates_other ON near_duplicates(other_id);
            """)
    }

    /// Image embeddings for "more like this": one float32 vector (little-endian BLOB) per asset
    /// and provider; vectors of different providers are never compared.
    static func v3(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE embeddings (
                asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                provider TEXT NOT NULL CHECK (length(provider) > 0),
                owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                vector BLOB NOT NULL CHECK (length(vector) > 0 AND length(vector) % 4 = 0),
                PRIMARY KEY (asset_id, provider)
            ) WITHOUT ROWID;
            CREATE INDEX embeddings_owner ON embeddings(owner_id, provider);
            """)
    }

    /// A change log of the embeddings, which the persisted vector indexes catch up from: every
    /// write of an embedding takes the next number of `embedding_counter` as its `seq` (and, the
    /// first time, as its `key`: the id of its vector in the index, never reused); a deleted
    /// embedding leaves its key in `embedding_removals` under the next number. An index saved at
    /// number N is brought up to date by the rows numbered after N.
    static func v4(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE embeddings ADD COLUMN key INTEGER;
            ALTER TABLE embeddings ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE embedding_counter (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last INTEGER NOT NULL
            );
            INSERT INTO embedding_counter (id, last) VALUES (1, 0);
            CREATE TABLE embedding_removals (
                seq INTEGER PRIMARY KEY,
                owner_id TEXT NOT NULL,
                provider TEXT NOT NULL,
                key INTEGER NOT NULL
            );
            CREATE INDEX embedding_removals_owner ON embedding_removals(owner_id, provider, seq);
            """)
        // Embeddings stored before this migration are numbered in one pass.
        let rows = try Row.fetchAll(db, sql: "SELECT asset_id, provider FROM embeddings ORDER BY asset_id, provider")
        for (n, row) in rows.enumerated() {
            try db.cachedStatement(sql: "UPDATE embeddings SET key = ?, seq = ? WHERE asset_id = ? AND provider = ?")
                .execute(arguments: [n + 1, n + 1, row[0] as String, row[1] as String])
        }
        try db.execute(sql: """
            UPDATE embedding_counter SET last = \(rows.count);
            CREATE UNIQUE INDEX embeddings_key ON embeddings(key);
            CREATE INDEX embeddings_changes ON embeddings(owner_id, provider, seq);
            CREATE TRIGGER embeddings_removed AFTER DELETE ON embeddings BEGIN
                UPDATE embedding_counter SET last = last + 1;
                INSERT INTO embedding_removals (seq, owner_id, provider, key)
                    SELECT last, old.owner_id, old.provider, old.key FROM embedding_counter;
            END;
            """)
    }

    /// Near-duplicate lookups move from the substring indexes to memory (``PerceptualHashMemory``:
    /// 0.2 ms against 39 ms at a million hashes), which catches up from a change number: every
    /// write of a hash takes the next number of `perceptual_hash_counter` as its `seq`. Rows
    /// stored before are read when an owner's hashes are first loaded. The substring columns
    /// stay (an export or another tool may use them); their indexes, no longer read, go.
    static func v5(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE perceptual_hashes ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE perceptual_hash_counter (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last INTEGER NOT NULL
            );
            INSERT INTO perceptual_hash_counter (id, last) VALUES (1, 0);
            CREATE INDEX perceptual_hashes_changes ON perceptual_hashes(owner_id, seq);
            DROP INDEX perceptual_hashes_s0;
            DROP INDEX perceptual_hashes_s1;
            DROP INDEX perceptual_hashes_s2;
            DROP INDEX perceptual_hashes_s3;
            """)
    }

    /// Where an uploaded asset came from, as its client names it (Immich's `deviceId` and
    /// `deviceAssetId`), for the answers that clients expect to carry them.
    static func v6(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE upload_sources (
                asset_id TEXT PRIMARY KEY NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                device_id TEXT NOT NULL,
                device_asset_id TEXT NOT NULL,
                uploaded_at REAL NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// Organising and finding: edits by hand with their locks, place names, free text.
    ///
    /// - `asset_edits`: a field the user changed (capture time, location, rating, description);
    ///   the row is the lock that keeps a new reading of the file from undoing it, and `value`
    ///   holds the edit as JSON (`NULL`: cleared by hand).
    /// - Place columns: the nearest GeoNames place of the GPS position (offline reverse geocoding).
    /// - `asset_text`: an FTS5 index over file name, description, place and camera, kept by
    ///   triggers, for free-text search (`unicode61`, accents folded: "sao" finds "São").
    /// - `assets_owner_time`: searches beyond the timeline (archive, hidden, trash) in capture order.
    static func v7(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE asset_edits (
                asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
                field TEXT NOT NULL CHECK (field IN ('capturedAt', 'location', 'rating', 'description')),
                value TEXT,
                edited_at REAL NOT NULL,
                PRIMARY KEY (asset_id, field)
            ) WITHOUT ROWID;

            ALTER TABLE assets ADD COLUMN city TEXT;
            ALTER TABLE assets ADD COLUMN region TEXT;
            ALTER TABLE assets ADD COLUMN country TEXT;
            ALTER TABLE assets ADD COLUMN country_code TEXT CHECK (country_code IS NULL OR length(country_code) = 2);
            ALTER TABLE assets ADD COLUMN time_zone TEXT;
            ALTER TABLE assets ADD COLUMN place_latitude REAL;
            ALTER TABLE assets ADD COLUMN place_longitude REAL;
            ALTER TABLE assets ADD COLUMN place_distance REAL;
            CREATE INDEX assets_owner_time ON assets(owner_id, local_time);
            CREATE INDEX assets_make ON assets(owner_id, make COLLATE NOCASE, local_time) WHERE make IS NOT NULL;
            CREATE INDEX assets_model ON assets(owner_id, model COLLATE NOCASE, local_time) WHERE model IS NOT NULL;
            CREATE INDEX assets_lens ON assets(owner_id, lens COLLATE NOCASE, local_time) WHERE lens IS NOT NULL;
            CREATE INDEX assets_city ON assets(owner_id, city COLLATE NOCASE, local_time) WHERE city IS NOT NULL;
            CREATE INDEX assets_region ON assets(owner_id, region COLLATE NOCASE, local_time) WHERE region IS NOT NULL;
            CREATE INDEX assets_country ON assets(owner_id, country COLLATE NOCASE, local_time) WHERE country IS NOT NULL;
            CREATE INDEX assets_country_code ON assets(owner_id, country_code, local_time) WHERE country_code IS NOT NULL;
            CREATE INDEX assets_position ON assets(owner_id, latitude, longitude) WHERE latitude IS NOT NULL;
            CREATE INDEX assets_favorites ON assets(owner_id, local_time) WHERE is_favorite = 1;
            CREATE INDEX assets_names ON assets(owner_id, local_time, original_filename, description);
            CREATE INDEX albums_cover ON albums(cover_asset_id) WHERE cover_asset_id IS NOT NULL;
            CREATE INDEX tags_parent ON tags(parent_id);

            CREATE VIRTUAL TABLE asset_text USING fts5(filename, description, place, camera,
                tokenize = 'unicode61 remove_diacritics 2');
            INSERT INTO asset_text (rowid, filename, description, place, camera)
                SELECT rowid, original_filename, description, NULL, trim(coalesce(make, '') || ' ' || coalesce(model, '') || ' ' || coalesce(lens, '')) FROM assets;
            CREATE TRIGGER asset_text_insert AFTER INSERT ON assets BEGIN
                INSERT INTO asset_text (rowid, filename, description, place, camera) VALUES (NEW.rowid, NEW.original_filename,
                    NEW.description, trim(coalesce(NEW.city, '') || ' ' || coalesce(NEW.region, '') || ' ' || coalesce(NEW.country, '')), trim(coalesce(NEW.make, '') || ' ' || coalesce(NEW.model, '') || ' ' || coalesce(NEW.lens, '')));
            END;
            CREATE TRIGGER asset_text_update AFTER UPDATE OF original_filename, description, city, region, country, make, model, lens ON assets BEGIN
                DELETE FROM asset_text WHERE rowid = OLD.rowid;
                INSERT INTO asset_text (rowid, filename, description, place, camera) VALUES (NEW.rowid, NEW.original_filename,
                    NEW.description, trim(coalesce(NEW.city, '') || ' ' || coalesce(NEW.region, '') || ' ' || coalesce(NEW.country, '')), trim(coalesce(NEW.make, '') || ' ' || coalesce(NEW.model, '') || ' ' || coalesce(NEW.lens, '')));
            END;
            CREATE TRIGGER asset_text_delete AFTER DELETE ON assets BEGIN
                DELETE FROM asset_text WHERE rowid = OLD.rowid;
            END;
            """)
    }

    /// Any part of a file name, found through an index.
    ///
    /// - `asset_name_trigrams`: an FTS5 table of the file names with the `trigram` tokenizer,
    ///   keyed by the assets' row ids and kept by triggers. SQLite answers `filename LIKE '%part%'` on it
    ///   from the index when the part has 3 characters or more (ASCII case ignored, as LIKE
    ///   does), so a part of a file name that is not a whole token (`DSCF4711`, `0704`) no
    ///   longer reads every row. `detail=none`: the index records which names hold each
    ///   trigram, not where (FTS5 checks the stored name), which keeps it small.
    static func v8(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE asset_name_trigrams USING fts5(filename, tokenize = 'trigram', detail = 'none');
            INSERT INTO asset_name_trigrams (rowid, filename) SELECT rowid, original_filename FROM assets;
            CREATE TRIGGER asset_name_trigrams_insert AFTER INSERT ON assets BEGIN
                INSERT INTO asset_name_trigrams (rowid, filename) VALUES (NEW.rowid, NEW.original_filename);
            END;
            CREATE TRIGGER asset_name_trigrams_update AFTER UPDATE OF original_filename ON assets BEGIN
                DELETE FROM asset_name_trigrams WHERE rowid = OLD.rowid;
                INSERT INTO asset_name_trigrams (rowid, filename) VALUES (NEW.rowid, NEW.original_filename);
            END;
            CREATE TRIGGER asset_name_trigrams_delete AFTER DELETE ON assets BEGIN
                DELETE FROM asset_name_trigrams WHERE rowid = OLD.rowid;
            END;
            """)
    }

}
