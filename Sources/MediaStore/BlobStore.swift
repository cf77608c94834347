public import MediaCore

/// Content-addressed storage of originals: bytes are stored under their SHA-256, written once,
/// never rewritten.
///
/// Storing is two steps so the catalog can decide in between: ``stage(from:mode:)`` streams a
/// file into a temporary object while hashing it; then ``store(_:)`` moves it into place (or
/// ``discard(_:)`` drops it, for a duplicate). ``flush()`` makes every stored object durable;
/// call it before committing the catalog rows that point at them.
///
/// ```swift
/// let staged = try blobs.stage(from: "/photos/IMG_1.JPG", mode: .copy)
/// if catalogHasHash(staged.hash) { blobs.discard(staged) } else { try blobs.store(staged) }
/// try blobs.flush()
/// ```
public protocol BlobStore: Sendable {
    /// Streams the file at `path` into a temporary object, hashing it on the way.
    /// - Parameters:
    ///   - path: The source file; it is not changed.
    ///   - mode: Whether the bytes may be shared with the source (a hard link) or must be copied.
    /// - Returns: The staged object with its hash and size.
    /// - Throws: `MediaStoreError` naming `path` (`.notFound`, `.unreadable`, `.writeFailed`, `.diskFull`).
    /// - Complexity: one read of the file; memory does not grow with its size.
    func stage(from path: String, mode: StageMode) throws(MediaStoreError) -> StagedObject

    /// Moves a staged object into place under its hash; an object that already exists is kept
    /// and the staged copy dropped.
    /// - Returns: `true` when the object is new.
    func store(_ staged: StagedObject) throws(MediaStoreError) -> Bool

    /// Drops a staged object.
    func discard(_ staged: StagedObject)

    /// Makes the objects stored so far durable (directory entries synced).
    func flush() throws(MediaStoreError)

    /// The size of the object with this SHA-256 (lower-case hex), or `nil` when there is none.
    func size(of sha256: String) -> Int64?

    /// Deletes an object no asset refers to any more (a missing one is not an error).
    /// - Throws: `MediaStoreError` naming the object when it cannot be deleted.
    func remove(_ sha256: String) throws(MediaStoreError)

    /// A local file path for reading the object, or `nil` when there is none (or the store is remote).
    func localPath(of sha256: String) -> String?

    /// Every stored object's SHA-256, lazily, in no particular order.
    func allObjects() -> AnySequence<String>

    /// Removes temporary objects left behind by processes that died.
    /// - Returns: How many were removed.
    @discardableResult
    func removeAbandonedStagingFiles() -> Int
}

/// How ``BlobStore/stage(from:mode:)`` takes the bytes of a file.
public enum StageMode: Sendable, Hashable {
    /// Copy the bytes; the source is left alone.
    case copy
    /// Hard-link the source when it is on the same file system (no copy), copy otherwise; for
    /// imports that delete the source afterwards.
    case linkOrCopy
}

/// Bytes written to a store's staging area, hashed, not yet in place.
public struct StagedObject: Sendable, Hashable {
    /// SHA-256 and SHA-1 of the bytes.
    public let hash: ContentHash
    /// Size in bytes.
    public let size: Int64
    /// The temporary file holding the bytes.
    let stagingPath: String
}
