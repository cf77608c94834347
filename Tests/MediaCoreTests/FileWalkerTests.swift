import Foundation
import Testing
@testable import MediaCore

@Suite struct FileWalkerTests {
    @Test func walksInNameOrderSkippingLitterAndLinkLoops() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID())")
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("2021/b"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("@eaDir"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent(".thumbnails"), withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        for name in ["2021/b/IMG_2.JPG", "2021/IMG_1.JPG", "z.png", ".DS_Store", "._z.png", "Thumbs.db",
                     "@eaDir/x.jpg", ".thumbnails/t.jpg", "Crémieux 11.tiff"] {
            try Data([0xFF, 0xD8, 0xFF]).write(to: root.appendingPathComponent(name))
        }
        // A link back up the tree must not loop; a link to a file is followed.
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("2021/b/loop").path, withDestinationPath: root.path)
        try fm.createSymbolicLink(atPath: root.appendingPathComponent("link.jpg").path,
                                  withDestinationPath: root.appendingPathComponent("z.png").path)
        let files = Array(FileWalker.files(under: [root.path + "/"])).map { String($0.dropFirst(root.path.count + 1)) }
        #expect(files == ["2021/IMG_1.JPG", "2021/b/IMG_2.JPG", "Crémieux 11.tiff", "link.jpg", "z.png"])
    }

    @Test func explicitFilesAndMissingPathsAreReturnedAsGiven() {
        let paths = Array(FileWalker.files(under: ["/nonexistent/a.jpg", "/nonexistent/.hidden.jpg"]))
        #expect(paths == ["/nonexistent/a.jpg", "/nonexistent/.hidden.jpg"])
    }

    @Test func ignoredNames() {
        #expect(FileWalker.isIgnored(name: ".DS_Store"))
        #expect(FileWalker.isIgnored(name: "._IMG_1.JPG"))
        #expect(FileWalker.isIgnored(name: "@eaDir"))
        #expect(FileWalker.isIgnored(name: "Thumbs.db"))
        #expect(!FileWalker.isIgnored(name: "IMG_1.JPG"))
    }
}
