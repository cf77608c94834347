import Foundation
import MediaML
import MediaCore

/// The seam between ``Library`` and the database behind it. ``SQLiteCatalog`` (GRDB, WAL) is the
/// implementation; a server catalog (PostgreSQL, for several `mediad` nodes) would be another.
/// Every method is synchronous and safe to call from any thread: the library calls it from its
/// own worker threads, never from Swift's cooperative pool.
protocol Catalog: Sendable {
    /// The first administrator, created when there is none.
    func ensureDefaultUser(name: String) throws(MediaStoreError) -> UserID

    // Users and API keys.
    /// Every user, in the order they were added.
    func users() throws(MediaStoreError) -> [User]
    /// Adds a user (the caller has checked that the name and e-mail address are free).
    func insert(_ user: User) throws(MediaStoreError)
    /// Stores an API key's record and the SHA-256 of its secret.
    func insert(_ key: APIKey, hash: [UInt8]) throws(MediaStoreError)
    /// A user's API keys.
    func apiKeys(of user: UserID) throws(MediaStoreError) -> [APIKey]
    /// Deletes an API key; `false` when there was none.
    func deleteAPIKey(_ id: APIKeyID) throws(MediaStoreError) -> Bool
    /// The user whose key has this hash, recording the use at `now` (at most once a minute).
    func user(forKeyHash hash: [UInt8], now: Date) throws(MediaStoreError) -> User?
    /// Records the client's names for an uploaded asset (the first upload's are kept).
    func recordUploadSource(of asset: AssetID, deviceID: String, deviceAssetID: String) throws(MediaStoreError)
    /// The client's names for an uploaded asset.
    func uploadSource(of asset: AssetID) throws(MediaStoreError) -> UploadSource?

    // Albums.
    /// The owner's albums (or the one with `id`), with their counts and date ranges.
    func albums(owner: UserID, id: AlbumID?) throws(MediaStoreError) -> [Album]
    /// Makes an album.
    func insert(_ album: Album) throws(MediaStoreError)
    /// Adds the owner's assets to an album of theirs, in one transaction.
    func addAssets(_ assets: [AssetID], toAlbum album: AlbumID, owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID: AlbumAddition]
    /// The ids of an album's assets not in the trash, oldest first.
    func assetIDs(inAlbum album: AlbumID, owner: UserID) throws(MediaStoreError) -> [AssetID]

    // Organising (SQLiteCatalog+Organize.swift); each returns the ids it changed.
    func setFavorite(_ ids: [AssetID], _ value: Bool, owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID]
    func setVisibility(_ ids: [AssetID], _ value: AssetVisibility, owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID]
    func restore(_ ids: [AssetID], owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID]
    /// Trashed assets (of `owner`, or everyone's), trashed before `before` when given, oldest first.
    func trashedAssetIDs(owner: UserID?, before: Date?) throws(MediaStoreError) -> [AssetID]
    /// Deletes trashed assets' rows; says which objects and derived files nothing refers to any more.
    func purge(_ ids: [AssetID], owner: UserID?) throws(MediaStoreError) -> PurgedAssets
    func edit(_ ids: [AssetID], _ edits: [ResolvedEdit], owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID]
    /// Each asset's own edits (and their locks), all in one transaction; returns the assets changed.
    func edit(_ changes: [(AssetID, [ResolvedEdit])], owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID]
    func lockedFields(of asset: AssetID) throws(MediaStoreError) -> [String: String?]
    func updateMetadata(of asset: Asset) throws(MediaStoreError)
    func tag(_ ids: [AssetID], with paths: [String], owner: UserID) throws(MediaStoreError) -> [AssetID]
    func untag(_ ids: [AssetID], paths: [String], owner: UserID) throws(MediaStoreError) -> [AssetID]
    func tags(owner: UserID) throws(MediaStoreError) -> [Tag]
    /// Makes a tag (and its parents) when missing; `false` when it was there.
    func createTag(_ path: String, owner: UserID) throws(MediaStoreError) -> Bool
    func tagPaths(of ids: [AssetID]) throws(MediaStoreError) -> [AssetID: [String]]
    func deleteTag(_ path: String, owner: UserID) throws(MediaStoreError) -> [AssetID]
    func updateAlbum(_ album: AlbumID, owner: UserID, name: String?, description: String?, cover: AssetID??, now: Date) throws(MediaStoreError)
    func removeAssets(_ ids: [AssetID], fromAlbum album: AlbumID, owner: UserID, now: Date) throws(MediaStoreError) -> [AssetID]
    func deleteAlbum(_ album: AlbumID, owner: UserID) throws(MediaStoreError) -> Bool
    func organisedAssetIDs(owner: UserID) throws(MediaStoreError) -> [AssetID]

    // Import.
    /// What an earlier import recorded for this source path.
    func knownSource(path: String) throws(MediaStoreError) -> KnownSource?
    /// The owner's asset with these bytes.
    func assetID(owner: UserID, sha256: String) throws(MediaStoreError) -> AssetID?
    /// The owner's asset whose bytes have this SHA-1 (lower-case hex), for Immich's checks.
    func assetID(owner: UserID, sha1: String) throws(MediaStoreError) -> AssetID?
    /// Writes a batch of imports in one transaction; bytes the owner already has become duplicates.
    func record(_ batch: [PendingImport]) throws(MediaStoreError) -> [Recorded]
    /// Writes assets whose originals are in place, in one transaction.
    func add(_ assets: [Asset]) throws(MediaStoreError)

    // Reading.
    func asset(_ id: AssetID) throws(MediaStoreError) -> Asset?
    func assets(withIDOrHashPrefix prefix: String, limit: Int) throws(MediaStoreError) -> [Asset]
    /// The assets with these ids, in the order given (ids without an asset left out), in a few queries.
    func assets(_ ids: [AssetID]) throws(MediaStoreError) -> [Asset]
    /// One page (at most `limit` assets) of the owner's assets matching `query`, after `cursor`
    /// and then `offset` more.
    func search(_ query: AssetQuery, owner: UserID, after cursor: SearchCursor?, skipping offset: Int,
                limit: Int) throws(MediaStoreError) -> AssetPage
    /// A page of assets in import order after `cursor` (0 for the first page) and the next cursor.
    func assets(after cursor: Int64, limit: Int) throws(MediaStoreError) -> (assets: [Asset], next: Int64)
    /// A page of what verify needs to check originals, after `cursor`.
    func assetRefs(after cursor: Int64, limit: Int) throws(MediaStoreError) -> (refs: [AssetRef], next: Int64)
    func timeline(owner: UserID) throws(MediaStoreError) -> [TimelineBucket]
    /// The owner's timeline assets of a month (`YYYY-MM`), newest first.
    func timelineAssets(owner: UserID, month: String) throws(MediaStoreError) -> [Asset]
    /// Moves the owner's assets to the trash; returns how many moved.
    func trash(_ assets: [AssetID], owner: UserID, now: Date) throws(MediaStoreError) -> Int
    func statistics() throws(MediaStoreError) -> LibraryStatistics
    /// Whether a managed asset refers to this object.
    func isObjectReferenced(sha256: String) throws(MediaStoreError) -> Bool

    /// How many assets there are (all owners).
    func assetCount() throws(MediaStoreError) -> Int

    /// The derived files recorded for an asset.
    func derivedFiles(of asset: AssetID) throws(MediaStoreError) -> [DerivedFile]
    /// Whether an asset has a perceptual hash and an embedding by `provider` stored (a photo
    /// imported before `v2-near-duplicates` or `v3-embeddings` has neither).
    func hasPerceptualHashAndEmbedding(of asset: AssetID, provider: String) throws(MediaStoreError) -> Bool
    /// Replaces an asset's derived-file records and its ThumbHash, in one transaction.
    /// - Parameter sha256: The asset's content hash, which names its derived files (shared by
    ///   the assets of other owners with the same bytes).
    /// - Returns: The paths of the asset's former derived files that no record refers to any
    ///   more, to delete once this has been committed.
    func replaceDerivedFiles(of asset: AssetID, sha256: String, with files: [DerivedFile],
                             thumbhash: [UInt8]?, perceptual: PerceptualHash?, embedding: Embedding?) throws(MediaStoreError) -> [String]

    /// An asset's embedding by `provider`, if stored.
    func embedding(of asset: AssetID, provider: String) throws(MediaStoreError) -> [Float]?

    /// Calls `body` with every stored embedding of the owner's assets not in the trash, by `provider`.
    func forEachEmbedding(owner: UserID, provider: String, _ body: (AssetID, [Float]) throws -> Void) throws(MediaStoreError)

    /// The number of the latest change to any embedding (0 before the first).
    func embeddingSequence() throws(MediaStoreError) -> Int64

    /// Calls `body` with each change to the owner's embeddings by `provider` numbered after
    /// `sequence`, in order: an embedding's key and vector when it was stored or replaced, its
    /// key and `nil` when it was removed.
    /// - Returns: The latest change number seen (to pass as `sequence` next time).
    func forEachEmbeddingChange(owner: UserID, provider: String, after sequence: Int64,
                                _ body: (Int64, [Float]?) throws -> Void) throws(MediaStoreError) -> Int64

    /// The assets, not in the trash, whose embeddings by `provider` have these keys.
    func embeddedAssets(keys: [Int64], provider: String) throws(MediaStoreError) -> [Int64: AssetID]

    /// The near-duplicate pairs among an owner's assets that are not in the trash.
    func nearDuplicatePairs(owner: UserID) throws(MediaStoreError) -> [(AssetID, AssetID)]

    /// Finds every near-duplicate pair again from the stored perceptual hashes.
    /// - Returns: The number of pairs.
    func rescanNearDuplicates(policy: NearDuplicatePolicy) throws(MediaStoreError) -> Int

    /// A consistent copy of the whole catalog into a new file, taken while others write.
    func backup(to path: String) throws(MediaStoreError)
}

/// What the catalog knows about a source path.
struct KnownSource: Sendable {
    var size: Int64
    var mtime: Double
    var sha256: String
}

/// One file's outcome, ready to be written: a new asset, or bytes the owner already has.
struct PendingImport: Sendable {
    enum Content: Sendable {
        case new(Asset, derived: [DerivedFile], perceptual: PerceptualHash?, embedding: Embedding?)
        case duplicate(sha256: String, of: AssetID)
    }
    var content: Content
    var sourcePath: String
    var sourceSize: Int64
    var sourceMTime: Double
    /// Whether the source path is recorded for rescans (not for an upload's staging file).
    var recordsSource = true
}

/// How the catalog recorded a pending import.
enum Recorded: Sendable, Equatable {
    case imported(AssetID)
    case duplicate(of: AssetID)
}

/// The catalog's record of an original: enough to check it.
struct AssetRef: Sendable {
    var id: AssetID
    var sha256: String
    var sha1: String
    var size: Int64
    var externalPath: String?
}

/// A vector and the provider that made it.
struct Embedding: Sendable {
    var provider: String
    var vector: [Float]
}
