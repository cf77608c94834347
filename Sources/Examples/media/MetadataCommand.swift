import ArgumentParser
import MediaCore
#if canImport(Glibc)
import Glibc
#endif

/// `media metadata [--json] FILE...`: what MediaKit reads from each file.
struct MetadataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metadata",
        abstract: "Print the metadata of photos and videos (folders are walked recursively).",
        discussion: "Exit status: 0 when every file was read, 1 when any failed."
    )

    @Flag(name: .long, help: "One JSON object per file and line (JSON Lines).")
    var json = false

    @Flag(name: .long, help: "Do not read XMP sidecars beside the files.")
    var noSidecars = false

    @Argument(help: "Files or folders.")
    var paths: [String]

    func run() throws {
        var configuration = StandardMetadataReader.Configuration()
        configuration.readsSidecars = !noSidecars
        let reader = StandardMetadataReader(configuration: configuration)
        var failed = 0
        var output = BufferedOutput()
        if !json { output.write(MetadataTable.header) }
        for path in FileWalker.files(under: paths) where !path.hasSuffix(".xmp") && !path.hasSuffix(".XMP") {
            let record: MetadataRecord
            do {
                record = MetadataRecord(path: path, metadata: try reader.read(path: path))
            } catch {
                failed += 1
                record = MetadataRecord(path: path, error: error)
            }
            output.write(json ? record.jsonLine() : MetadataTable.row(record))
        }
        output.flush()
        if failed > 0 { throw ExitCode(1) }
    }
}

/// Collects lines and writes them to stdout in large blocks.
struct BufferedOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ line: String) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// The human-readable table of `media metadata`.
enum MetadataTable {
    static let header = "FORMAT  SIZE        CAPTURED                        CAMERA                    PLACE                 FILE"

    static func row(_ r: MetadataRecord) -> String {
        if let error = r.error { return "ERROR   " + error }
        let size = r.width.map { "\($0)x\(r.height ?? 0)" } ?? "-"
        let camera = [r.make, r.model].compactMap { $0 }.joined(separator: " ")
        let place = r.latitude.map { String(format6($0)) + "," + format6(r.longitude ?? 0) } ?? "-"
        var line = pad(r.format ?? "-", 8) + pad(size, 12) + pad(r.capturedAt ?? "-", 32)
        line += pad(camera.isEmpty ? "-" : String(camera.prefix(25)), 26) + pad(place, 22) + r.path
        for w in r.warnings { line += "\n        warning: " + w }
        return line
    }

    private static func format6(_ v: Double) -> String {
        let scaled = (v * 10_000).rounded() / 10_000
        return String(scaled)
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
