import Foundation
import Testing
import MediaStore

/// The organising commands as a user runs them: favourites, archive, hidden, the trash, edits by
/// hand, tags, albums and search, on a small library of tiny JPEGs the tests build (imported
/// without thumbnails).
@Suite struct OrganizeCommandTests {
    @Test func favoriteArchiveAndHideChangeWhatListsShow() throws {
        let s = try Sandbox()
        let a = s.id["a.jpg"]!, b = s.id["b.jpg"]!, c = s.id["c.jpg"]!
        #expect(try s.names("ls") == ["a.jpg", "b.jpg", "c.jpg"])

        try s.ok("favorite", a, b)
        #expect(try s.names("search", "--favorite") == ["a.jpg", "b.jpg"])
        try s.ok("favorite", b, "--off")
        #expect(try s.names("search", "--favorite") == ["a.jpg"])
        #expect(try s.json("search", "--name", "a.jpg").first?["favorite"] as? Bool == true)

        try s.ok("archive", b)
        try s.ok("hide", c)
        #expect(try s.names("ls") == ["a.jpg"], "archived and hidden assets are out of the timeline")
        #expect(try s.names("search") == ["a.jpg"])
        #expect(try s.names("ls", "--archived") == ["b.jpg"])
        #expect(try s.names("search", "--archived") == ["b.jpg"])
        #expect(try s.names("search", "--hidden") == ["c.jpg"])
        #expect(try s.names("ls", "--all") == ["a.jpg", "b.jpg", "c.jpg"])
        #expect(try s.timelineCount() == 1)

        try s.ok("hide", b, c, "--off")  // unhiding leaves the archived one archived
        #expect(try s.names("ls") == ["a.jpg", "c.jpg"])
        try s.ok("archive", b, "--off")
        #expect(try s.names("ls") == ["a.jpg", "b.jpg", "c.jpg"])
        #expect(try s.timelineCount() == 3)
    }

    @Test func trashRestoreTrashAgainAndPurge() throws {
        let s = try Sandbox()
        let a = s.id["a.jpg"]!, b = s.id["b.jpg"]!
        let sizeOfA = try #require(try s.json("ls").first { $0["filename"] as? String == "a.jpg" }?["size"] as? Int)

        #expect(try s.ok("trash", a).stdout.contains("moved 1 asset to the trash"))
        #expect(try s.names("ls") == ["b.jpg", "c.jpg"], "ls leaves the trash out")
        #expect(try s.names("search") == ["b.jpg", "c.jpg"])
        #expect(try s.names("ls", "--trashed") == ["a.jpg"])
        #expect(try s.names("search", "--trashed") == ["a.jpg"])
        #expect(try s.json("search", "--trashed").first?["trashedAt"] is String)
        #expect(try s.names("ls", "--all") == ["a.jpg", "b.jpg", "c.jpg"])
        #expect(try s.timelineCount() == 2)

        try s.ok("restore", a)
        #expect(try s.names("ls") == ["a.jpg", "b.jpg", "c.jpg"])
        #expect(try s.names("ls", "--trashed").isEmpty)

        try s.ok("trash", a, b)
        let expired = try s.json("purge", "--expired", "--json").first
        #expect(expired?["assets"] as? Int == 0, "just trashed: not past the retention")
        try s.ok("restore", b)
        let purged = try s.json("purge", "--json").first
        #expect(purged?["assets"] as? Int == 1)
        #expect(purged?["objects"] as? Int == 1)
        #expect(purged?["bytes"] as? Int == sizeOfA)
        #expect(try s.names("ls", "--all") == ["b.jpg", "c.jpg"])
        #expect(try s.media("show", a).status == 1, "gone for good")
        #expect(try s.media("verify", "--deep").status == 0, "no orphan left behind")
        #expect(try s.ok("purge").stdout.contains("purged 0 assets"))
    }

    @Test func editsByHandAreSearchableAndShown() throws {
        let s = try Sandbox()
        let a = s.id["a.jpg"]!, b = s.id["b.jpg"]!

        try s.ok("rate", a, "4")
        try s.ok("rate", b, "-1")  // a value that looks like an option
        #expect(try s.names("search", "--rating", "4") == ["a.jpg"])
        #expect(try s.names("search", "--min-rating", "3") == ["a.jpg"])
        #expect(try s.names("search", "--rating", "-1") == ["b.jpg"])

        try s.ok("describe", a, "Sunset over the Tagus")
        #expect(try s.names("search", "--description", "over the tag") == ["a.jpg"])
        #expect(try s.names("search", "--text", "sunset tagus") == ["a.jpg"])

        try s.ok("set-date", a, "2019-07-14T20:41:00+01:00")
        #expect(try s.names("search", "--from", "2019-07-14", "--to", "2019-07-14") == ["a.jpg"], "--to takes in the whole day")
        #expect(try s.names("search", "--to", "2019-07-13").isEmpty)

        try s.ok("set-location", a, b, "38.7223,-9.1393")  // Lisbon
        #expect(try s.names("search", "--near", "38.72,-9.14", "--radius", "5") == ["a.jpg", "b.jpg"])
        #expect(try s.names("search", "--box", "38,-10,39,-9") == ["a.jpg", "b.jpg"])
        #expect(try s.names("search", "--country", "pt", "--rating", "4") == ["a.jpg"])
        // Without an offset, the time zone of the position gives it (Lisbon in January: +00:00).
        try s.ok("set-date", b, "2018-01-02T03:04:05.5")
        #expect(try s.show(b)["capturedAt"] as? String == "2018-01-02T03:04:05.500+00:00")
        // A shift (the camera's clock was wrong): each asset's own time moves, offset kept.
        #expect(try s.ok("set-date", a, b, "-1d3h4m5s").stdout.contains("shifted 2"))
        #expect(try s.show(a)["capturedAt"] as? String == "2019-07-13T17:36:55+01:00")
        #expect(try s.show(b)["capturedAt"] as? String == "2018-01-01T00:00:00.500+00:00")
        try s.ok("set-date", a, "+1d3h4m5s")
        #expect(try s.show(a)["capturedAt"] as? String == "2019-07-14T20:41:00+01:00")
        for bad in ["+1x", "+1h2", "+", "+h"] { #expect(try s.media("set-date", a, bad).status != 0, "\(bad)") }

        let shown = try s.show(a)
        #expect(shown["rating"] as? Int == 4)
        #expect(shown["description"] as? String == "Sunset over the Tagus")
        #expect(shown["capturedAt"] as? String == "2019-07-14T20:41:00+01:00")
        #expect(shown["latitude"] as? Double == 38.7223 && shown["longitude"] as? Double == -9.1393)
        let found = try #require(try s.json("search", "--rating", "4").first)
        #expect(found["rating"] as? Int == 4 && found["country"] as? String == "Portugal" && found["city"] is String)
        #expect(found["id"] as? String == a && found["sha256"] is String && found["size"] is Int)

        try s.ok("rate", a, "--clear")
        try s.ok("describe", a, "--clear")
        try s.ok("set-location", a, "--clear")
        let cleared = try s.show(a)
        #expect(cleared["rating"] == nil && cleared["description"] == nil && cleared["latitude"] == nil)
        #expect(try s.names("search", "--country", "Portugal") == ["b.jpg"])
    }

    @Test func rereadKeepsEditsAndSidecarsComeBack() throws {
        let s = try Sandbox()
        let a = s.id["a.jpg"]!
        try s.ok("rate", a, "5")
        try s.ok("set-date", a, "2001-02-03T04:05:06Z")
        #expect(try s.ok("reread", "--all").stdout.contains("read 3 assets again"))
        try s.ok("reread", a)
        #expect(try s.show(a)["rating"] as? Int == 5)
        #expect(try s.show(a)["capturedAt"] as? String == "2001-02-03T04:05:06+00:00")
        #expect(try s.show(s.id["b.jpg"]!)["capturedAt"] as? String == "2021-04-11T15:47:53-05:00", "read from its file")

        let sidecar = s.lib + "/sidecars/" + a.suffix(2) + "/" + a + ".xmp"
        #expect(FileManager.default.fileExists(atPath: sidecar))
        try FileManager.default.removeItem(atPath: s.lib + "/sidecars")
        #expect(try s.ok("sidecars").stdout.contains("wrote 1 sidecar"))
        #expect(try String(contentsOfFile: sidecar, encoding: .utf8).contains("Rating"))
        #expect(try s.media("reread").status == 1, "ids or --all")
    }

    @Test func tagsAddListRemoveAndSearchByParent() throws {
        let s = try Sandbox()
        let a = s.id["a.jpg"]!, b = s.id["b.jpg"]!
        try s.ok("tag", "add", a, b, "--tag", "travel/portugal/lisbon", "--tag", "family")
        let tags = try s.json("tag", "ls", "--json")
        #expect(tags.compactMap { $0["path"] as? String } == ["family", "travel", "travel/portugal", "travel/portugal/lisbon"])
        #expect(tags.first { $0["path"] as? String == "travel/portugal/lisbon" }?["count"] as? Int == 2)
        #expect(try s.media("tag", "ls").stdout.contains("family  2"))

        #expect(try s.names("search", "--tag", "travel") == ["a.jpg", "b.jpg"], "a parent tag finds its children")
        #expect(try s.names("search", "--tag", "travel/portugal", "--tag", "family") == ["a.jpg", "b.jpg"])
        #expect(try s.json("search", "--name", "a.jpg").first?["tags"] as? [String] == ["family", "travel/portugal/lisbon"])

        try s.ok("tag", "rm", b, "--tag", "travel")
        #expect(try s.names("search", "--tag", "travel") == ["a.jpg"])
        try s.ok("tag", "delete", "family")
        #expect(try s.names("search", "--tag", "family").isEmpty)
        #expect(try s.json("tag", "ls", "--json").allSatisfy { $0["path"] as? String != "family" })

        let noTag = try s.media("tag", "add", a)
        #expect(noTag.status == 1 && noTag.stderr.contains("--tag"))
        let unknown = try s.media("tag", "delete", "nothing-like-it")
        #expect(unknown.status == 1 && unknown.stderr.contains("nothing-like-it"))
    }

    @Test func albumsCreateAddRenameRemoveAndDelete() throws {
        let s = try Sandbox()
        let a = s.id["a.jpg"]!, b = s.id["b.jpg"]!
        let albumID = try s.ok("album", "create", "Holidays", a).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(UUID(uuidString: albumID) != nil)
        try s.ok("album", "add", "HOLIDAYS", b, a)  // by name, any case; a is there already
        #expect(try s.names("album", "show", albumID) == ["a.jpg", "b.jpg"])
        #expect(try s.names("search", "--album", "holidays") == ["a.jpg", "b.jpg"])

        try s.ok("album", "cover", "holidays", b)
        let listed = try #require(try s.json("album", "ls", "--json").first)
        #expect(listed["id"] as? String == albumID && listed["assetCount"] as? Int == 2 && listed["coverAssetId"] as? String == b)

        try s.ok("album", "rename", "holidays", "Summer 2019")
        #expect(try s.json("album", "ls", "--json").first?["name"] as? String == "Summer 2019")
        try s.ok("album", "rm", "summer 2019", a)
        #expect(try s.names("album", "show", "Summer 2019") == ["b.jpg"])

        try s.ok("album", "create", "Dup")
        try s.ok("album", "create", "dup")
        let ambiguous = try s.media("album", "show", "DUP")
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("2 albums"), "\(ambiguous.stderr)")
        let unknown = try s.media("album", "add", "Nowhere", a)
        #expect(unknown.status == 1 && unknown.stderr.contains("Nowhere"))

        try s.ok("album", "delete", albumID)
        #expect(try s.json("album", "ls", "--json").compactMap { $0["name"] as? String } == ["Dup", "dup"])
        #expect(try s.names("ls") == ["a.jpg", "b.jpg", "c.jpg"], "the assets stay in the library")
    }

    @Test func badInputExitsOneNamesTheProblemAndChangesNothing() throws {
        let s = try Sandbox()
        let a = s.id["a.jpg"]!
        let before = try s.media("show", a, "--json").stdout

        let cases: [(arguments: [String], mentions: String)] = [
            (["favorite", a, "ffffff"], "ffffff"),       // one id unknown: the other is not changed either
            (["trash", a, "no-such-asset"], "no-such-asset"),
            (["rate", a, "9"], "not 9"),
            (["rate", a, "many"], "many"),
            (["describe", a], "TEXT"),
            (["set-date", a, "2019-02-30T10:00:00"], "2019-02-30T10:00:00"),
            (["set-date", a, "yesterday"], "yesterday"),
            (["set-date", a, "2019-07-14T20:41:00+25:00"], "+25:00"),
            (["set-location", a, "91,0"], "latitude"),
            (["set-location", a, "38.7;-9.1"], "38.7;-9.1"),
            (["tag", "add", a, "zzzzzz", "--tag", "x"], "zzzzzz"),
            (["album", "create", "Never", a, "abcdefabcdef"], "abcdefabcdef"),
            (["search", "--from", "2019-13-01"], "2019-13-01"),
            (["search", "--near", "38.7,-9.1"], "--radius"),
            (["search", "--kind", "sound"], "sound"),
        ]
        for (arguments, mention) in cases {
            let run = try s.media(arguments)
            #expect(run.status == 1, "\(arguments): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains(mention), "\(arguments): \(run.stderr)")
        }
        #expect(try s.media("show", a, "--json").stdout == before, "nothing changed")
        #expect(try s.names("search", "--favorite").isEmpty)
        #expect(try s.names("ls") == ["a.jpg", "b.jpg", "c.jpg"])
        #expect(try s.json("tag", "ls", "--json").isEmpty)
        #expect(try s.json("album", "ls", "--json").isEmpty)
    }
}

/// A library of three tiny JPEGs (a.jpg, b.jpg, c.jpg), removed with the value.
private final class Sandbox {
    let dir: String
    var lib: String { dir + "/lib" }
    /// File name → asset id.
    private(set) var id: [String: String] = [:]

    init() throws {
        dir = NSTemporaryDirectory() + "mediakit-organize-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/photos", withIntermediateDirectories: true)
        for name in ["a.jpg", "b.jpg", "c.jpg"] {
            try Data(TinyJPEG.make(salt: name)).write(to: URL(fileURLWithPath: dir + "/photos/" + name))
        }
        let imported = try media("import", dir + "/photos", "--no-thumbnails")
        guard imported.status == 0 else { throw SandboxError(message: imported.stderr) }
        for row in try json("ls", "--all") {
            if let name = row["filename"] as? String, let id = row["id"] as? String { self.id[name] = id }
        }
    }

    deinit { ImportCrashTests.remove(dir) }

    struct SandboxError: Error { var message: String }

    /// Runs `media` on this library (`--library` goes last: subcommands come first).
    func media(_ arguments: String...) throws -> ImportCrashTests.Run { try media(arguments) }

    func media(_ arguments: [String]) throws -> ImportCrashTests.Run {
        try ImportCrashTests.run(arguments + ["--library", lib])
    }

    /// Runs `media` and expects the exit status 0.
    @discardableResult
    func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> ImportCrashTests.Run {
        let run = try media(arguments)
        #expect(run.status == 0, "\(arguments): \(run.stderr)", sourceLocation: sourceLocation)
        return run
    }

    /// The JSON Lines a command prints (`--json` added unless given).
    func json(_ arguments: String...) throws -> [[String: Any]] {
        let run = try media(arguments.contains("--json") ? arguments : arguments + ["--json"])
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return run.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The file names a listing prints (with `--json`).
    func names(_ arguments: String...) throws -> Set<String> {
        let run = try media(arguments + ["--json"])
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return Set(run.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["filename"] as? String
        })
    }

    /// `media show ID --json`.
    func show(_ id: String) throws -> [String: Any] {
        let run = try media("show", id, "--json")
        #expect(run.status == 0, "\(run.stderr)")
        return (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    /// The assets `media timeline` counts.
    func timelineCount() throws -> Int {
        try json("timeline").compactMap { $0["count"] as? Int }.reduce(0, +)
    }
}

/// A tiny JPEG with an EXIF block (Make, Model, DateTimeOriginal 2021:04:11 15:47:53 at
/// -05:00), a frame header and an empty scan; `salt` (a comment) makes the bytes unique.
private enum TinyJPEG {
    static func make(salt: String) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16) }
        let make = Array("MediaKit\0".utf8), model = Array("Test Camera\0".utf8)
        let date = Array("2021:04:11 15:47:53\0".utf8), offset = Array("-05:00\0".utf8)
        let exifIFD = 8 + 2 + 3 * 12 + 4
        var dataOffset = exifIFD + 2 + 2 * 12 + 4
        var data: [UInt8] = []
        func entry(_ tag: Int, _ type: Int, _ payload: [UInt8], count: Int? = nil) -> [UInt8] {
            let head = le16(tag) + le16(type) + le32(count ?? payload.count)
            if payload.count <= 4 { return head + payload + [UInt8](repeating: 0, count: 4 - payload.count) }
            defer { data += payload; dataOffset += payload.count }
            return head + le32(dataOffset)
        }
        var tiff: [UInt8] = Array("II".utf8) + le16(42) + le32(8)
        tiff += le16(3) + entry(0x010F, 2, make) + entry(0x0110, 2, model) + entry(0x8769, 4, le32(exifIFD), count: 1) + le32(0)
        tiff += le16(2) + entry(0x9003, 2, date) + entry(0x9011, 2, offset) + le32(0)
        tiff += data
        let app1 = Array("Exif\0\0".utf8) + tiff
        let comment = Array(salt.utf8)
        return [0xFF, 0xD8, 0xFF, 0xE1] + be16(app1.count + 2) + app1 + [0xFF, 0xFE] + be16(comment.count + 2) + comment
            + [0xFF, 0xC0, 0, 11, 8, 0, 48, 0, 64, 1, 1, 0x11, 0, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x00, 0xFF, 0xD9]
    }

    private static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}
