import Foundation
import MediaCore
import MediaML
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The library's vector indexes: one ``HNSWIndex`` per owner and embedding provider, saved in
/// `<library>/indexes/` as `<provider>-<owner>-<change>.hnsw`, where `<change>` is the number of
/// the catalog's latest embedding change the file holds.
///
/// The catalog stays the truth (its embeddings and their change log, migration
/// `v4-embedding-changes`); a saved index is a checkpoint. An index is loaded on first use and
/// caught up from the changes numbered after its checkpoint, before a search and after an import,
/// so a library is never rebuilt on opening; another process's imports are seen the same way. It
/// is saved again once the changes since its file would take longer to replay than the file to
/// write, and rebuilt from the catalog when more than half its nodes are removed ones (or its
/// file is damaged).
///
/// Searches of one index run at the same time (a read lock); catching up takes the write lock.
final class VectorIndexes: Sendable {
    /// The folder of the saved indexes.
    let folder: String
    private let entries = Mutex<[Key: Entry]>([:])

    struct Key: Hashable, Sendable {
        var owner: UserID
        var provider: String
    }

    init(folder: String) {
        self.folder = folder
    }

    /// The index of `owner`'s vectors by `provider`, created empty (not loaded) on first use.
    func entry(owner: UserID, provider: any EmbeddingProvider) -> Entry {
        let key = Key(owner: owner, provider: provider.name)
        return entries.withLock { all in
            if let entry = all[key] { return entry }
            let entry = Entry(folder: folder, key: key, dimension: provider.dimension)
            all[key] = entry
            return entry
        }
    }

    /// One owner's and provider's index, its lock and how far it has caught up.
    final class Entry: @unchecked Sendable {
        // `index`, `sequence` and `savedSequence` are read under `lock`'s read side and changed
        // under its write side only.
        private let lock = ReadWriteLock()
        private var index: HNSWIndex?
        private var sequence: Int64 = 0
        private var savedSequence: Int64 = 0
        private var changesSinceSave = 0
        let folder: String
        let key: Key
        let dimension: Int

        /// Links per node and candidate lists of the library's indexes.
        static let parameters = HNSWIndex.Parameters(m: 16, efConstruction: 200, ef: 64)

        init(folder: String, key: Key, dimension: Int) {
            self.folder = folder
            self.key = key
            self.dimension = dimension
        }

        /// The file name's stem: the provider (letters, digits, `-`, `_` and `.` kept) and the owner.
        var stem: String {
            let safe = String(key.provider.unicodeScalars.map { scalar -> Character in
                CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII || "-_.".unicodeScalars.contains(scalar)
                    ? Character(scalar) : "_"
            })
            return "\(safe)-\(key.owner)"
        }

        /// The `k` nearest vectors' keys, caught up with the catalog first; searches of the same
        /// index run at the same time.
        func search(_ vector: [Float], k: Int, catalog: any Catalog) throws(MediaStoreError) -> (matches: [VectorMatch], total: Int) {
            try catchUp(catalog)
            return lock.reading {
                guard var index else { return ([], 0) }
                index.parameters.ef = max(Self.parameters.ef, k)
                return (index.search(vector, k: k), index.count)
            }
        }

        /// Loads the saved index if not loaded yet and applies the catalog's changes since it;
        /// saves it when due.
        func catchUp(_ catalog: any Catalog) throws(MediaStoreError) {
            let latest = try catalog.embeddingSequence()
            if lock.reading({ index != nil && sequence >= latest }) { return }
            try lock.writing { () throws(MediaStoreError) in
                if index == nil { load(upTo: latest) }
                guard sequence < latest || index == nil else { return }
                try apply(catalog)
                if let current = index, current.removedCount > max(1000, current.count) {
                    // Mostly removed nodes: built again from the catalog's current vectors.
                    index = nil
                    try apply(catalog)
                }
                // Replaying a change costs about what writing 500 nodes does.
                if let current = index, changesSinceSave > 0, changesSinceSave * 500 >= current.count {
                    save(current)
                }
            }
        }

        /// Applies the changes after `sequence` (all of them when `index` is nil: a rebuild).
        private func apply(_ catalog: any Catalog) throws(MediaStoreError) {
            if index == nil {
                index = HNSWIndex(dimension: dimension, metric: .cosine, parameters: Self.parameters)
                sequence = 0
                savedSequence = 0
            }
            guard var current = index else { return }
            index = nil  // the only copy, changed in place
            var changes = 0
            do throws(MediaStoreError) {
                sequence = try catalog.forEachEmbeddingChange(owner: key.owner, provider: key.provider, after: sequence) { key, vector in
                    changes += 1
                    if let vector {
                        // A vector of another length or with NaN cannot be compared: left out.
                        if (try? current.insert(vector, id: key)) == nil { current.remove(id: key) }
                    } else {
                        current.remove(id: key)
                    }
                }
            } catch {
                index = nil  // half applied: loaded and caught up again next time
                throw error
            }
            index = current
            changesSinceSave += changes
        }

        /// The newest saved index of this owner and provider, if it can be read and fits. One
        /// numbered past `latest` (a catalog restored from an older backup) is not used.
        private func load(upTo latest: Int64) {
            let prefix = stem + "-"
            let saved = Posix.names(in: folder).compactMap { name -> (Int64, String)? in
                guard name.hasPrefix(prefix), name.hasSuffix(".hnsw"),
                      let n = Int64(name.dropFirst(prefix.count).dropLast(5)), n <= latest else { return nil }
                return (n, name)
            }.sorted { $0.0 > $1.0 }
            for (n, name) in saved {
                guard let loaded = try? HNSWIndex(contentsOf: folder + "/" + name),
                      loaded.dimension == dimension, loaded.metric == .cosine else { continue }
                index = loaded
                sequence = n
                savedSequence = n
                changesSinceSave = 0
                return
            }
        }

        /// Writes the index as the checkpoint at `sequence` and removes the older ones. A failure
        /// is not an error: the catalog still holds every vector.
        private func save(_ current: HNSWIndex) {
            guard (try? Posix.makeDirectory(folder)) != nil,
                  (try? current.write(to: "\(folder)/\(stem)-\(sequence).hnsw")) != nil else { return }
            savedSequence = sequence
            changesSinceSave = 0
            let prefix = stem + "-"
            for name in Posix.names(in: folder) where name.hasPrefix(prefix) && name != "\(stem)-\(sequence).hnsw" {
                if name.hasSuffix(".hnsw"), let n = Int64(name.dropFirst(prefix.count).dropLast(5)), n < sequence {
                    unlink(folder + "/" + name)
                }
            }
        }
    }
}

/// A POSIX read-write lock: any number of readers, or one writer.
final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func reading<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func writing<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
