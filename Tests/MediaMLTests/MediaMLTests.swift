import Testing
import MediaML

@Suite struct MediaMLTests {
    @Test func reExportsTheModel() {
        // MediaML is a placeholder; it must at least expose MediaCore's model to its users.
        #expect(MediaFormat.sniff(Array("GIF89a".utf8)) == .gif)
    }
}
