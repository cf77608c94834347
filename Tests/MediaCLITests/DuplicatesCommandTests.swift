import Foundation
import Testing
import MediaStore
import TestSupport

/// `media duplicates` as a user runs it: one JSON line per group, the keeper named.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct DuplicatesCommandTests {
    @Test func printsOneJSONLinePerGroupWithTheKeeper() throws {
        let dir = NSTemporaryDirectory() + "mediakit-dups-" + UUID().uuidString
        defer { ImportCrashTests.remove(dir) }
        try FileManager.default.createDirectory(atPath: dir + "/photos", withIntermediateDirectories: true)
        let original = Corpus.path("media/metadata-extractor-images/jpg/Canon EOS 7D.jpg")
        try FileManager.default.copyItem(atPath: original, toPath: dir + "/photos/original.jpg")
        try FileManager.default.copyItem(atPath: Corpus.path("media/exif-samples/jpg/Canon_40D.jpg"), toPath: dir + "/photos/other.jpg")
        let rendered = try VipsThumbnailer().render(path: original, metadata: StandardMetadataReader().read(path: original))
        try Data(rendered.thumbnail.bytes).write(to: URL(fileURLWithPath: dir + "/photos/copy.webp"))

        let lib = dir + "/lib"
        #expect(try ImportCrashTests.run(["import", "--library", lib, dir + "/photos"]).status == 0)
        for arguments in [["duplicates", "--library", lib, "--json"], ["duplicates", "--library", lib, "--json", "--rescan"]] {
            let run = try ImportCrashTests.run(arguments)
            #expect(run.status == 0, "\(run.stderr)")
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.count == 1, "\(run.stdout)")
            let group = try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
            let assets = try #require(group["assets"] as? [[String: String]])
            #expect(Set(assets.compactMap { $0["filename"] }) == ["original.jpg", "copy.webp"])
            #expect(group["keep"] as? String == assets.first { $0["filename"] == "original.jpg" }?["id"])
        }
    }

    /// `media similar ID --json` and `media similar FILE`: JSON Lines with id, filename, score.
    @Test func similarPrintsJSONLinesMostAlikeFirst() throws {
        let dir = NSTemporaryDirectory() + "mediakit-similar-" + UUID().uuidString
        defer { ImportCrashTests.remove(dir) }
        try FileManager.default.copyItem(atPath: Corpus.path("media/exif-samples/jpg/orientation"), toPath: dir + "/photos")
        let lib = dir + "/lib"
        #expect(try ImportCrashTests.run(["import", "--library", lib, dir + "/photos"]).status == 0)
        let ls = try ImportCrashTests.run(["ls", "--library", lib, "--json"])
        let rows = ls.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let id = try #require(rows.first { $0["filename"] as? String == "landscape_4.jpg" }?["id"] as? String)
        let run = try ImportCrashTests.run(["similar", "--library", lib, id, "-k", "3", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { ($0["filename"] as? String)?.hasPrefix("landscape_") == true && $0["id"] is String && $0["score"] is Double })
        let file = try ImportCrashTests.run(["similar", "--library", lib, dir + "/photos/portrait_1.jpg", "-k", "1"])
        #expect(file.status == 0 && file.stdout.contains("portrait_1.jpg"), "\(file.stdout)")
        #expect(try ImportCrashTests.run(["similar", "--library", lib, "nonsense"]).status == 1)
    }
}
