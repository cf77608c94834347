import ArgumentParser
import Foundation
import MediaStore

/// `media stats --library DIR [--json]`: what a library holds.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats", abstract: "Show counts and sizes of a library.")

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "One JSON object.")
    var json = false

    func run() async throws {
        let s = try library.open().statistics()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(s), as: UTF8.self))
            return
        }
        print("assets      \(s.assets) (\(s.images) images, \(s.videos) videos; \(s.external) in place, \(s.trashed) in the trash)")
        print("size        \(ByteCountFormatter.string(fromByteCount: s.bytes, countStyle: .file)) in \(s.objects) objects")
        print("dates       \(s.earliest ?? "-") … \(s.latest ?? "-")")
        print("with GPS    \(s.withLocation)")
        print("thumbnails  \(s.imagesWithoutThumbnail) images without one"
            + (s.imagesWithoutThumbnail > 0 ? " (media regenerate-thumbnails --missing tries again)" : ""))
        print("sources     \(s.sources) paths seen by imports; \(s.users) users")
        print("formats     " + s.formats.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
}
