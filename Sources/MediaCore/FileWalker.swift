public import Foundation

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
    public static func files(under paths: [String]) -> some Sequence<String> {
        paths.lazy.flatMap { path -> AnySequence<String> in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                return AnySequence([path])
            }
            return AnySequence(DirectorySequence(root: path))
        }
    }
}

/// Depth-first, name-ordered walk of one folder; only one folder listing is held per level.
private struct DirectorySequence: Sequence, IteratorProtocol {
    private var stack: [(dir: String, names: [String], index: Int)] = []

    init(root: String) {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        push(trimmed)
    }

    private mutating func push(_ dir: String) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { !FileWalker.isIgnored(name: $0) }
            .sorted()
        stack.append((dir, names, 0))
    }

    mutating func next() -> String? {
        while let top = stack.last {
            guard top.index < top.names.count else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].index += 1
            let path = top.dir == "/" ? "/" + top.names[top.index] : top.dir + "/" + top.names[top.index]
            guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
                  let type = attrs[.type] as? FileAttributeType else { return path }
            switch type {
            case .typeDirectory:
                push(path)
            case .typeSymbolicLink:
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue { return path }
            case .typeRegular:
                return path
            default:
                continue
            }
        }
        return nil
    }
}
