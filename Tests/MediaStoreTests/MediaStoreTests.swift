import Testing
import MediaStore

@Suite struct MediaStoreTests {
    @Test func reExportsTheModel() {
        // MediaStore is a placeholder; it must at least expose MediaCore's model to its users.
        #expect(MediaFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
    }
}
