import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists the files under the paths a user gives, the way an importer should see them:
/// folders walked recursively in name order, hidden files and OS litter (`.DS_Store`,
/// `@eaDir`, `._*`, `Thumbs.db`) skipped, symbolic links to folders not followed (no loops).
///
/// Files named explicitly are returned as given, even if hidden.
///
/// ```swift
/// for path in FileWalker.files(under: ["/photos"]) { ... }
/// ```
public enum FileWalker {
    /// Whether a file or folder name is hidden or OS litter that importers skip.
    public static func isIgnored(name: String) -> Bool {
        name.hasPrefix(".") || name == "@eaDir" || name == "Thumbs.db" || name == "desktop.ini"
            || name == "$RECYCLE.BIN" || name == "lost+found"
    }

    /// The files under `paths`, lazily, in order.
    /// - Parameter paths: files and folders; a path that does not exist is returned as is,
    ///   so the caller reports it.
    ///   - excluding: Folders not to enter (absolute paths as walked), for example the library
    ///     an import writes to when it lies inside the folder being imported.
    public static func files(under paths: [String], excluding: Set<String> = []) -> some Sequence<String> {
        paths.lazy.flatMap { path -> AnySequence<String> in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                return AnySequence([path])
            }
            return AnySequence(DirectorySequence(root: path, excluding: excluding))
        }
    }
}

/// Depth-first, name-ordered walk of one folder; only one folder listing is held per level.
/// Reads folders with `readdir` (its entry types spare a `stat` per file).
private struct DirectorySequence: Sequence, IteratorProtocol {
    private enum Kind { case file, directory, link, other }
    private var stack: [(dir: String, entries: [(name: String, kind: Kind)], index: Int)] = []
    private let excluding: Set<String>

    init(root: String, excluding: Set<String>) {
        self.excluding = excluding
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        if !excluding.contains(trimmed) { push(trimmed) }
    }

    private mutating func push(_ dir: String) {
        var entries: [(name: String, kind: Kind)] = []
        if let handle = opendir(dir) {
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != "..", !FileWalker.isIgnored(name: name) else { continue }
                let kind: Kind
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_REG): kind = .file
                case Int32(DT_DIR): kind = .directory
                case Int32(DT_LNK): kind = .link
                case Int32(DT_UNKNOWN): kind = Self.kind(ofPath: dir + "/" + name)
                default: kind = .other
                }
                entries.append((name, kind))
            }
            closedir(handle)
        }
        entries.sort { $0.name < $1.name }
        stack.append((dir, entries, 0))
    }

    private static func kind(ofPath path: String) -> Kind {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .other }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .link
        default: return .other
        }
    }

    mutating func next() -> String? {
        while let top = stack.last {
            guard top.index < top.entries.count else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].index += 1
            let entry = top.entries[top.index]
            let path = top.dir == "/" ? "/" + entry.name : top.dir + "/" + entry.name
            switch entry.kind {
            case .directory:
                if !excluding.contains(path) { push(path) }
            case .file:
                return path
            case .link:
                // Links to files are followed; links to folders are not (no loops).
                var st = stat()
                if stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG { return path }
            case .other:
                continue
            }
        }
        return nil
    }
}
