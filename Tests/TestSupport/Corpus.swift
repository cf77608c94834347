import Foundation

/// Where the shared corpus lives, for every test target: `MEDIAKIT_CORPUS`, else
/// `../shared/corpus` beside the package. Tests that read it are skipped when it is absent.
public enum Corpus {
    /// The corpus folder (it holds `truth.jsonl` and `media/`).
    public static let root: String = {
        if let env = ProcessInfo.processInfo.environment["MEDIAKIT_CORPUS"], !env.isEmpty { return env }
        let package = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return package.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    /// Whether the corpus is there.
    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: root + "/truth.jsonl") }

    /// A path inside the corpus.
    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// truth.jsonl, one dictionary per file.
    public static func truth() throws -> [[String: Any]] {
        let text = try String(contentsOfFile: root + "/truth.jsonl", encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }
}
