import Foundation
import Testing
@testable import MediaStore

/// Importing the shared corpus (skipped when ../shared/corpus is absent).
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct LibraryCorpusTests {
    @Test func everyReadableFileOnceBrokenFilesByName() async throws {
        let dir = try TemporaryFolder()
        let library = try Library(at: dir.sub("library"))
        let media = Corpus.root + "/media"
        let files = FileWalker.files(under: [media]).map { $0 }
        // Distinct contents among the files.
        var hashes: [String: [String]] = [:]
        for f in files { hashes[try ContentHash.ofFile(atPath: f).sha256, default: []].append(f) }

        let first = await library.import([media])
        #expect(first.failed + first.imported + first.duplicates + first.skipped == files.count)
        #expect(first.imported + first.failed == hashes.count, "each distinct content stored once, or reported")
        #expect(first.duplicates == files.count - hashes.count)
        for failure in first.failures {
            #expect(failure.description.hasPrefix(failure.path), "the report names the file: \(failure)")
        }
        #expect(first.failed <= 2, "only the two PNGs with a damaged signature cannot be read: \(first.failures)")
        #expect(try await library.verify(deep: true).isClean)

        let second = await library.import([media])
        #expect(second.imported == 0 && second.duplicates == 0)
        #expect(second.unchanged == first.imported + first.duplicates)
        #expect(first.bytesHashed > 80_000_000)
        #expect(second.bytesHashed == 0, "a rescan recognises unchanged files without reading them")
    }
}
