import ArgumentParser
import Foundation
import MediaStore

/// `media timeline --library DIR [--json]`: month buckets, newest first.
struct TimelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "timeline", abstract: "Count assets per month of capture (local time), newest first.")

    @OptionGroup var library: LibraryOptions

    @Flag(name: .long, help: "JSON Lines: {\"bucket\":\"2021-04\",\"count\":n}.")
    var json = false

    func run() async throws {
        let lib = try library.open()
        var output = BufferedOutput()
        for bucket in try lib.timeline() {
            output.write(json ? "{\"bucket\":\"\(bucket.month)\",\"count\":\(bucket.count)}" : "\(bucket.month)  \(bucket.count)")
        }
        output.flush()
    }
}
