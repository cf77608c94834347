import MediaCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What ``Library/backup(to:)`` did.
public struct BackupSummary: Sendable, Hashable, Codable {
    /// Assets in the backed-up catalog.
    public var assets = 0
    /// Objects written to the backup (linked or copied).
    public var objectsWritten = 0
    /// Of those, hard links.
    public var objectsLinked = 0
    /// Objects the backup already had from an earlier run.
    public var objectsPresent = 0
    /// Bytes copied (hard links copy none).
    public var bytesCopied: Int64 = 0

    /// An empty summary.
    public init() {}
}

extension Library {
    /// Backs the library up into a folder that is itself a library: a consistent online copy
    /// of the catalog (SQLite's backup API; imports may go on meanwhile) and every object it
    /// refers to, hard-linked when the target is on the same file system (objects never change,
    /// so links are safe) and copied otherwise. Restoring is copying the folder back.
    ///
    /// Running it again into the same folder writes only the new objects.
    ///
    /// ```swift
    /// let summary = try await library.backup(to: "/mnt/usb/photos-backup")
    /// ```
    /// - Throws: `MediaStoreError.invalidArgument` when the target is the library itself or a
    ///   non-empty folder that is not a backup; `.writeFailed`/`.diskFull` when writing fails.
    public func backup(to target: String) async throws(MediaStoreError) -> BackupSummary {
        let root = Library.absolute(target)
        guard root != path, !root.hasPrefix(path + "/") else {
            throw MediaStoreError(.invalidArgument, "the backup cannot go inside the library", path: root)
        }
        if FileManager.default.fileExists(atPath: root), !FileManager.default.fileExists(atPath: root + "/" + Library.catalogFileName),
           !Posix.names(in: root).filter({ !$0.hasPrefix(".") }).isEmpty {
            throw MediaStoreError(.invalidArgument, "the folder is not empty and is not a MediaKit backup", path: root)
        }
        try Posix.makeDirectory(root)
        try Posix.makeDirectory(root + "/thumbs")
        let destination = try FileSystemBlobStore(objectsPath: root + "/objects", stagingPath: root + "/tmp")

        // 1. The catalog, through SQLite's online backup, into a temporary file renamed into place.
        let catalogTarget = root + "/" + Library.catalogFileName
        let temporary = catalogTarget + ".part"
        for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) }
        do {
            try catalog.backup(to: temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        for suffix in ["-wal", "-shm"] { unlink(catalogTarget + suffix) }
        guard rename(temporary, catalogTarget) == 0 else {
            throw Posix.error(errno, "cannot move the catalog backup into place", path: catalogTarget)
        }
        for suffix in ["-wal", "-shm"] { unlink(temporary + suffix) }

        // 2. The objects the backed-up catalog refers to.
        var summary = BackupSummary()
        let backupCatalog = try SQLiteCatalog(path: catalogTarget)
        var pages = AssetRefPages(catalog: backupCatalog)
        while let page = pages.next() {
            let refs: [AssetRef]
            switch page {
            case .failure(let error): throw error
            case .success(let r): refs = r
            }
            summary.assets += refs.count
            for ref in refs where ref.externalPath == nil {
                if destination.size(of: ref.sha256) != nil {
                    summary.objectsPresent += 1
                    continue
                }
                guard let source = blobs.localPath(of: ref.sha256) else {
                    throw MediaStoreError(.notFound, "the original is missing from the library; run verify", assetID: ref.id)
                }
                let targetPath = destination.objectPath(ref.sha256)
                try Posix.makeDirectory((targetPath as NSString).deletingLastPathComponent)
                if link(source, targetPath) == 0 {
                    summary.objectsLinked += 1
                } else {
                    try Posix.copyFile(source, to: targetPath)
                    chmod(targetPath, 0o444)
                    summary.bytesCopied += ref.size
                }
                summary.objectsWritten += 1
            }
        }
        return summary
    }
}
