import Foundation
import Testing

/// `media regenerate-thumbnails` as a user runs it: counts, exit status, failures named.
@Suite struct RegenerateCommandTests {
    @Test func reportsWhatItCouldNotMakeAndExitsWithOne() throws {
        let dir = NSTemporaryDirectory() + "mediakit-regen-" + UUID().uuidString
        defer { ImportCrashTests.remove(dir) }
        // Headers without pixels: imported, but no thumbnails can be made of them.
        try ImportCrashTests.photos(in: dir + "/photos", count: 3, padding: 100)
        let lib = dir + "/lib"
        let imported = try ImportCrashTests.run(["import", "--library", lib, dir + "/photos", "--no-thumbnails", "--json"])
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("\"thumbnailFailures\":0"))
        #expect(try ImportCrashTests.run(["stats", "--library", lib]).stdout.contains("thumbnails  3 images without one"))

        let run = try ImportCrashTests.run(["regenerate-thumbnails", "--library", lib, "--missing", "--jobs", "2", "--json"])
        #expect(run.status == 1, "photos failed")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["regenerated"] as? Int == 0 && object?["failed"] as? Int == 3 && object?["skipped"] as? Int == 0)
        #expect(object?["seconds"] is Double)
        for i in 0..<3 { #expect(run.stderr.contains("(IMG_\(i).jpg): "), "\(run.stderr)") }
        #expect(run.stderr.contains("regenerated 0, skipped 0, failed 3 in "))

        // The failures are recorded: stats still counts them, thumbnail says why.
        #expect(try ImportCrashTests.run(["stats", "--library", lib]).stdout.contains("thumbnails  3 images without one"))
        let ls = try ImportCrashTests.run(["ls", "--library", lib])
        let id = try #require(ls.stdout.split(separator: " ").first.map(String.init))
        let thumbnail = try ImportCrashTests.run(["thumbnail", "--library", lib, id, "-o", dir + "/t.webp"])
        #expect(thumbnail.status == 1 && thumbnail.stderr.contains("failed"), "\(thumbnail.stderr)")
    }
}
