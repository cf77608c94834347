public import MediaCore
import Foundation

/// A photo and video library: a folder holding the catalog, the originals and derived files.
///
/// ```
/// <library>/library.sqlite      the catalog (an ordinary SQLite file)
/// <library>/objects/ab/cd/<sha256>   originals, content-addressed, read-only
/// <library>/thumbs/             derived files
/// <library>/indexes/            vector indexes (checkpoints; the catalog holds every vector)
/// <library>/tmp/                staging for writes in progress
/// ```
///
/// ```swift
/// let library = try Library(at: "/srv/photos")
/// let summary = try await library.import(["/mnt/card/DCIM"])
/// print(summary.imported, summary.duplicates, summary.failed)
/// ```
///
/// A `Library` is safe to share between tasks; several processes may open the same library
/// (the catalog is a WAL-mode SQLite database, objects are written atomically).
public final class Library: Sendable {
    /// The library folder.
    public let path: String
    /// The options it was opened with.
    public let configuration: LibraryConfiguration
    /// Where the originals are kept.
    public let blobs: any BlobStore
    /// The user that owns what the command line imports (the first administrator).
    public let defaultOwner: UserID
    let catalog: any Catalog
    /// The persisted vector indexes in `indexes/`.
    let vectorIndexes: VectorIndexes

    /// The catalog file name inside the library folder.
    public static let catalogFileName = "library.sqlite"

    /// Opens the library at `path`, creating it when the folder is missing or empty.
    /// - Parameters:
    ///   - path: The library folder.
    ///   - configuration: Options; see ``LibraryConfiguration``.
    /// - Throws: `MediaStoreError.notALibrary` when `path` is a non-empty folder without a
    ///   catalog (a library is never created on top of other files), or the catalog is damaged
    ///   or newer than this MediaKit; `.writeFailed` when the folders cannot be created.
    public init(at path: String, configuration: LibraryConfiguration = LibraryConfiguration()) throws(MediaStoreError) {
        let root = Library.absolute(path)
        let catalogPath = root + "/" + Library.catalogFileName
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw MediaStoreError(.notALibrary, "not a folder", path: root) }
            if !FileManager.default.fileExists(atPath: catalogPath) {
                let visible = Posix.names(in: root).filter { !$0.hasPrefix(".") }
                if !visible.isEmpty {
                    throw MediaStoreError(.notALibrary, "the folder is not empty and holds no \(Library.catalogFileName); refusing to make a library on top of other files", path: root)
                }
            }
        }
        try Posix.makeDirectory(root)
        try Posix.makeDirectory(root + "/thumbs")
        self.path = root
        self.configuration = configuration
        self.catalog = try SQLiteCatalog(path: catalogPath)
        let store = try FileSystemBlobStore(objectsPath: root + "/objects", stagingPath: root + "/tmp")
        store.removeAbandonedStagingFiles()
        self.blobs = store
        self.vectorIndexes = VectorIndexes(folder: root + "/indexes")
        self.defaultOwner = try catalog.ensureDefaultUser(name: configuration.defaultUserName)
    }

    /// `path` made absolute against the current directory, without resolving symbolic links.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }
}

/// Options of a ``Library``, with documented defaults.
public struct LibraryConfiguration: Sendable, Hashable {
    /// The name of the administrator created with a new library. Default `"admin"`.
    public var defaultUserName: String = "admin"
    /// Whether imports and uploads name the place of each GPS position and take the UTC offset
    /// of photos that lack one from the position's time zone (offline, GeoNames data shipped
    /// with MediaCore). Default `true`.
    public var namesPlaces = true
    /// How long trashed assets are kept before ``Library/purgeExpiredTrash(now:)`` removes them
    /// for good, in days. Default 30 (as Immich).
    public var trashRetentionDays = 30

    /// The defaults.
    public init() {}
}
