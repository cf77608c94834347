// libFuzzer entry point for MediaCore's container parsers and decoders.
//
// Built by scripts/fuzz.sh with `-sanitize=fuzzer,address -D FUZZING`, main hands over to
// libFuzzer's driver. Without FUZZING (a plain `swift build`) this is a replay tool:
// `MediaFuzz TARGET FILE...` runs each file through the target once, which is how the
// regression tests and CI check crashes found earlier.
//
// The target is chosen by the MEDIAKIT_FUZZ_TARGET environment variable (or the first argument
// when replaying): jpeg, tiff, png, webp, gif, isobmff, riff, raw, ts, exif, xmp, all (sniff
// first), preview (the embedded JPEG previews of raws) or decode (VipsShim's libjpeg decoder and
// its SIMD reduction, on the bytes as a JPEG) or hnsw (MediaML's vector index file reader).
@testable import MediaCore
@testable import MediaML
import FuzzDriver
import VipsShim
#if canImport(Glibc)
import Glibc
#endif

enum FuzzTarget: String, CaseIterable {
    case jpeg, tiff, png, webp, gif, isobmff, riff, raw, ts, exif, xmp, all, preview, decode, hnsw

    static let current: FuzzTarget = {
        guard let name = getenv("MEDIAKIT_FUZZ_TARGET") else { return .all }
        return FuzzTarget(rawValue: String(cString: name)) ?? .all
    }()

    func run(_ bytes: [UInt8]) {
        let source = MemoryByteSource(bytes)
        switch self {
        case .jpeg: scan(source, .jpeg)
        case .tiff: scan(source, .tiff); scan(source, .bigTIFF)
        case .png: scan(source, .png)
        case .webp: scan(source, .webp)
        case .gif: scan(source, .gif)
        case .isobmff:
            for format in [MediaFormat.heic, .mov, .cr3, .jp2] { scan(source, format) }
        case .riff: scan(source, .avi); scan(source, .bmp)
        case .raw: scan(source, .raf); scan(source, .mrw); scan(source, .rw2); scan(source, .crw); scan(source, .x3f)
        case .ts: scan(source, .m2ts)
        case .exif:
            _ = ExifDecoder.decode(bytes)
            if let tiff = try? TIFFStructure(source) {
                var warnings: [String] = []
                if let blob = EXIFCompactor.compact(tiff, warnings: &warnings) { _ = ExifDecoder.decode(blob) }
            }
        case .xmp: _ = XMPParser.parse(bytes)
        case .all: _ = try? StandardMetadataReader().read(bytes: bytes)
        case .preview:
            for format in [MediaFormat.dng, .rw2, .orf, .cr3, .raf, .crw] { _ = try? EmbeddedPreview.largest(in: source, format: format) }
        case .decode: decode(bytes)
        case .hnsw:
            // A damaged index file must be refused, never crash or loop; a loaded one must search.
            if var index = try? HNSWIndex(bytes: bytes, path: "fuzz") {
                let query = [Float](repeating: 0.5, count: index.dimension)
                _ = index.search(query, k: 5)
                try? index.insert(query, id: 1)
                _ = index.search(query, k: 5)
            }
        }
    }

    /// Decodes the bytes as a JPEG at 1/2 scale and reduces the result, as the thumbnailer does.
    private func decode(_ bytes: [UInt8]) {
        guard vshim_init("MediaFuzz") == 0 else { return }
        vshim_configure(0, 1)
        var image: OpaquePointer?
        let status = bytes.withUnsafeBytes { vshim_jpeg_decode($0.baseAddress, $0.count, 2, 6, "fuzz", &image) }
        if status == 0, let image {
            var reduced: OpaquePointer?
            if vshim_reduce_to(image, max(1, vshim_width(image) * 2 / 3), max(1, vshim_height(image) / 3), &reduced) == 0 { vshim_unref(reduced) }
            vshim_unref(image)
        }
        vshim_error_clear()
    }

    /// Scans as `format` and decodes what the scan found, as the reader does.
    private func scan(_ source: MemoryByteSource, _ format: MediaFormat) {
        guard let scan = try? ContainerScanner.scan(source, format: format) else { return }
        _ = MetadataMerger(configuration: .init()).merge(scan, sidecars: [], fileTimes: { [] })
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.current.run(bytes)
    return 0
}

@main
struct FuzzMain {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
        replay()
        #endif
    }

    static func replay() {
        let args = CommandLine.arguments.dropFirst()
        guard let first = args.first, let target = FuzzTarget(rawValue: first) else {
            print("usage: MediaFuzz TARGET FILE...   (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            exit(2)
        }
        for path in args.dropFirst() {
            guard let source = try? FileByteSource(path: path), let bytes = try? source.read(at: 0, count: Int(source.size)) else {
                print("cannot read \(path)")
                exit(1)
            }
            target.run(bytes)
        }
    }
}
