import Foundation
import Testing
@testable import MediaCore

@Suite struct ContentHashTests {
    @Test func knownVectors() {
        let hash = ContentHash.of(Array("abc".utf8))
        #expect(hash.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hash.sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d")
        let empty = ContentHash.of([UInt8]())
        #expect(empty.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(empty.sha1 == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
    }

    @Test func streamingAFileEqualsHashingItsBytes() throws {
        // 2.5 MiB so that the file is read in several chunks.
        var bytes = [UInt8](repeating: 0, count: 2_621_440 + 17)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hash-\(UUID()).bin").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ContentHash.ofFile(atPath: path) == ContentHash.of(bytes))

        var hasher = ContentHasher()
        hasher.update(bytes[..<1000])
        hasher.update(bytes[1000...])
        #expect(hasher.finalize() == ContentHash.of(bytes))
    }

    @Test func missingFileIsAClearError() {
        do {
            _ = try ContentHash.ofFile(atPath: "/nonexistent/photo.jpg")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.description.contains("/nonexistent/photo.jpg"))
        }
    }

    @Test func validatesHexDigests() {
        #expect(ContentHash(sha256: String(repeating: "a", count: 64), sha1: String(repeating: "b", count: 40)) != nil)
        #expect(ContentHash(sha256: "xyz", sha1: String(repeating: "b", count: 40)) == nil)
        #expect(ContentHash(sha256: String(repeating: "A", count: 64), sha1: String(repeating: "b", count: 40)) == nil)
    }
}

@Suite struct IdentifierTests {
    /// Time-ordered (version 7's layout), with the version field 4 that Immich's clients require.
    @Test func newIdentifiersAreTimeOrderedWithVersionField4() {
        let early = AssetID.timeOrderedUUID(now: Date(timeIntervalSince1970: 1_700_000_000))
        let late = AssetID.timeOrderedUUID(now: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(early.uuidString.lowercased() < late.uuidString.lowercased())
        let text = AssetID().description
        #expect(text.count == 36 && Array(text)[14] == "4", "version field 4: \(text)")
        let immich = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        #expect(text.wholeMatch(of: immich) != nil, "immichpy's pattern: \(text)")
        #expect("89ab".contains(Array(text)[19]), "RFC 9562 variant: \(text)")
        #expect(AssetID(text)?.description == text)
        #expect(Set((0..<1000).map { _ in AssetID() }).count == 1000)
        #expect(UserID("not a uuid") == nil)
    }
}
