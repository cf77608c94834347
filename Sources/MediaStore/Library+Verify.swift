public import MediaCore
import Foundation
import Synchronization

extension Library {
    /// Checks that the catalog and the stored originals agree: every asset has its original
    /// (in the object store, or at its path for assets imported in place) with the recorded
    /// size, and, with `deep`, the recorded SHA-256; and no object is left that no asset refers to.
    ///
    /// ```swift
    /// let report = try await library.verify(deep: true) { print($0) }
    /// if !report.isClean { exit(1) }
    /// ```
    /// - Parameters:
    ///   - deep: Re-hash every original (reads every byte).
    ///   - concurrency: Originals checked at a time; default the number of active cores.
    ///   - problems: Called with each problem as it is found.
    /// - Returns: What was checked and every problem found.
    /// - Throws: `MediaStoreError.catalog` when the catalog cannot be read.
    /// - Complexity: O(n) catalog reads and file checks; memory bounded by one page of assets.
    public func verify(deep: Bool = false, concurrency: Int? = nil,
                       problems: (@Sendable (VerifyProblem) -> Void)? = nil) async throws(MediaStoreError) -> VerifyReport {
        let report = Mutex(VerifyReport())
        let firstError = Mutex<MediaStoreError?>(nil)
        @Sendable func found(_ problem: VerifyProblem) {
            report.withLock { $0.problems.append(problem) }
            problems?(problem)
        }
        // Assets, a page at a time, checked by `concurrency` threads.
        let pages = LockedIterator(AssetRefPages(catalog: catalog))
        let threads = max(1, concurrency ?? ProcessInfo.processInfo.activeProcessorCount)
        await BlockingThreads.run(count: threads, name: "mediakit-verify") { _ in
            while let page = pages.next() {
                switch page {
                case .failure(let error):
                    firstError.withLock { if $0 == nil { $0 = error } }
                    return
                case .success(let refs):
                    for ref in refs {
                        if let problem = self.check(ref, deep: deep) { found(problem) }
                    }
                    report.withLock { $0.assetsChecked += refs.count }
                }
            }
        }
        if let error = firstError.withLock({ $0 }) { throw error }
        // Objects no asset refers to.
        var objects = 0
        for sha256 in blobs.allObjects() {
            objects += 1
            if try !catalog.isObjectReferenced(sha256: sha256) { found(.orphanObject(sha256: sha256, path: blobs.localPath(of: sha256))) }
        }
        report.withLock { $0.objectsChecked = objects; $0.deep = deep }
        return report.withLock { $0 }
    }

    /// One asset's original against its catalog row.
    func check(_ ref: AssetRef, deep: Bool) -> VerifyProblem? {
        let path: String
        if let external = ref.externalPath {
            path = external
        } else if let local = blobs.localPath(of: ref.sha256) {
            path = local
        } else {
            return .missingOriginal(asset: ref.id, sha256: ref.sha256, path: nil)
        }
        guard let info = Posix.fileInfo(path) else { return .missingOriginal(asset: ref.id, sha256: ref.sha256, path: path) }
        if info.size != ref.size { return .sizeMismatch(asset: ref.id, path: path, expected: ref.size, actual: info.size) }
        if deep {
            do {
                let (hash, _) = try Posix.hashFile(path)
                if hash.sha256 != ref.sha256 || hash.sha1 != ref.sha1 {
                    return .hashMismatch(asset: ref.id, path: path, expected: ref.sha256, actual: hash.sha256)
                }
            } catch {
                return .unreadable(asset: ref.id, path: path, reason: error.description)
            }
        }
        return nil
    }
}

/// Pages of asset references in import order.
struct AssetRefPages: Sequence, IteratorProtocol {
    let catalog: any Catalog
    var cursor: Int64 = 0
    var done = false

    init(catalog: any Catalog) { self.catalog = catalog }

    mutating func next() -> Result<[AssetRef], MediaStoreError>? {
        guard !done else { return nil }
        do throws(MediaStoreError) {
            let page = try catalog.assetRefs(after: cursor, limit: 500)
            if page.refs.isEmpty { done = true; return nil }
            cursor = page.next
            return .success(page.refs)
        } catch {
            done = true
            return .failure(error)
        }
    }
}

/// The outcome of ``Library/verify(deep:concurrency:problems:)``.
public struct VerifyReport: Sendable, Hashable, Codable {
    /// Assets whose originals were checked.
    public var assetsChecked = 0
    /// Objects found in the object store.
    public var objectsChecked = 0
    /// Whether hashes were checked too.
    public var deep = false
    /// Everything that is wrong.
    public var problems: [VerifyProblem] = []

    /// No problem found.
    public var isClean: Bool { problems.isEmpty }

    /// An empty report.
    public init() {}
}

/// Something ``Library/verify(deep:concurrency:problems:)`` found wrong.
public enum VerifyProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The asset's original is not where the catalog says.
    case missingOriginal(asset: AssetID, sha256: String, path: String?)
    /// The original's size differs from the recorded size.
    case sizeMismatch(asset: AssetID, path: String, expected: Int64, actual: Int64)
    /// The original's bytes differ from the recorded hash.
    case hashMismatch(asset: AssetID, path: String, expected: String, actual: String)
    /// The original could not be read.
    case unreadable(asset: AssetID, path: String, reason: String)
    /// An object that no asset refers to.
    case orphanObject(sha256: String, path: String?)

    /// One line naming the asset or object, the file and the problem.
    public var description: String {
        switch self {
        case .missingOriginal(let asset, let sha256, let path):
            "asset \(asset): original missing (sha256 \(sha256)\(path.map { ", expected at \($0)" } ?? ""))"
        case .sizeMismatch(let asset, let path, let expected, let actual):
            "asset \(asset): \(path): size is \(actual) bytes, the catalog says \(expected)"
        case .hashMismatch(let asset, let path, let expected, let actual):
            "asset \(asset): \(path): content changed (sha256 \(actual), the catalog says \(expected))"
        case .unreadable(let asset, let path, let reason):
            "asset \(asset): \(path): cannot be read: \(reason)"
        case .orphanObject(let sha256, let path):
            "object \(sha256)\(path.map { " (\($0))" } ?? ""): no asset refers to it"
        }
    }
}
