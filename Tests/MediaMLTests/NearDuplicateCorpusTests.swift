import Foundation
import Testing
import TestSupport
import VipsShim
@testable import MediaML

/// The near-duplicate set of issue 5, built here from ../shared/corpus with libvips: every photo
/// of the corpus (at least 64 px on its short side: the exiftool test files of 8×8 pixels are not
/// photos) with seven copies of its upright picture (at most 480 px on the short side) — resized to 50 %, recompressed at q60, cropped by 5 % (2.5 %
/// off each side), 15 % brighter, converted to WebP, stripped of all metadata, and stored turned
/// with an orientation tag that turns it back — and every other corpus photo as a distractor.
/// Each file goes through what an import does (metadata, one render, hashes of its gray buffer).
///
/// With `MEDIAKIT_NEARDUP_SET=DIR` the set is also written to DIR (files plus `families.json`)
/// for `Benchmarks/scripts/neardup-imagehash.py`, which measures imagehash on the same files.
@Suite(.enabled(if: Corpus.isAvailable, "the shared corpus is not present"))
struct NearDuplicateCorpusTests {
    struct Item {
        var family: Int
        var name: String
        var hash: PerceptualHash
    }

    /// Runs a shim call that makes an image.
    static func image(_ body: (inout OpaquePointer?) -> Int32) throws -> OpaquePointer {
        var out: OpaquePointer?
        guard body(&out) == 0, let out else { throw MediaCoreError(.undecodable, String(cString: vshim_error())) }
        return out
    }

    /// JPEG at `quality` (metadata stripped), WebP, or JPEG tagged with `orientation`.
    static func encode(_ image: OpaquePointer, jpeg quality: Int32 = 90, webp: Bool = false, orientation: Int32 = 0) throws -> [UInt8] {
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let status = webp ? vshim_webpsave_buffer(image, 80, 4, &buffer, &length)
            : orientation > 0 ? vshim_jpegsave_oriented(image, quality, orientation, &buffer, &length)
            : vshim_jpegsave_buffer(image, quality, &buffer, &length)
        guard status == 0, let buffer else { throw MediaCoreError(.undecodable, "encoding failed") }
        defer { vshim_free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }

    /// The seven copies of an upright picture (a JPEG), named by what was done to it.
    static func variants(of bytes: [UInt8]) throws -> [(String, String, [UInt8])] {
        let preview = try image { out in bytes.withUnsafeBytes { vshim_jpeg_decode($0.baseAddress, $0.count, 1, 0, "preview", &out) } }
        defer { vshim_unref(preview) }
        // Copies of at most 480 px on the short side: the hashes come from a 32×32 reduction
        // anyway, and a debug build renders 1,400 of them in seconds instead of minutes.
        let pw = Int32(vshim_width(preview)), ph = Int32(vshim_height(preview))
        let scale = min(1, 480 / Double(min(pw, ph)))
        let upright = try image { vshim_reduce_to(preview, max(1, Int32((Double(pw) * scale).rounded())), max(1, Int32((Double(ph) * scale).rounded())), &$0) }
        defer { vshim_unref(upright) }
        let w = Int32(vshim_width(upright)), h = Int32(vshim_height(upright))
        let half = try image { vshim_reduce_to(upright, max(1, w / 2), max(1, h / 2), &$0) }
        let cx = max(1, w / 40), cy = max(1, h / 40)  // 2.5 % off each side
        let cropped = try image { vshim_crop(upright, cx, cy, w - 2 * cx, h - 2 * cy, &$0) }
        let brighter = try image { vshim_linear_u8(upright, 1.15, 0, &$0) }
        // Stored a quarter turn counter-clockwise; orientation 6 turns it back for display.
        let turned = try image { vshim_rotate(upright, 3, &$0) }
        defer { [half, cropped, brighter, turned].forEach { vshim_unref($0) } }
        return [
            ("half", "jpg", try encode(half)),
            ("q60", "jpg", try encode(upright, jpeg: 60)),
            ("crop5", "jpg", try encode(cropped)),
            ("bright15", "jpg", try encode(brighter)),
            ("webp", "webp", try encode(upright, webp: true)),
            ("stripped", "jpg", try encode(upright, jpeg: 95)),
            ("orientation6", "jpg", try encode(turned, orientation: 6)),
        ]
    }

    /// Builds the set and hashes every file as the import does.
    static func buildSet() throws -> [Item] {
        let thumbnailer = try VipsThumbnailer()
        let reader = StandardMetadataReader()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("neardup-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let export = ProcessInfo.processInfo.environment["MEDIAKIT_NEARDUP_SET"]
        if let export { try FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true) }
        var families: [[String]] = []

        func hash(_ path: String) -> PerceptualHash? {
            guard let metadata = try? reader.read(path: path),
                  let rendered = try? thumbnailer.render(path: path, metadata: metadata) else { return nil }
            return try? PerceptualHash(gray: rendered.gray)
        }
        var items: [Item] = []
        var looks: [[Double]] = []  // per family: its original's 16×16 RGB, or [] (other aspect classes)
        var aspects: [Double] = []
        for path in FileWalker.files(under: [Corpus.path("media")]).sorted() {
            guard let metadata = try? reader.read(path: path), metadata.format.kind != .video,
                  let rendered = try? thumbnailer.render(path: path, metadata: metadata),
                  min(rendered.preview.width, rendered.preview.height) >= 64,
                  let original = try? PerceptualHash(gray: rendered.gray) else { continue }
            let family = families.count
            looks.append(Self.look(rendered.placeholder))
            aspects.append(Double(rendered.preview.width) / Double(rendered.preview.height))
            let relative = String(path.dropFirst(Corpus.path("media/").count))
            items.append(Item(family: family, name: relative, hash: original))
            var members = [relative]
            if let export {
                let name = "\(family)-original." + (path as NSString).pathExtension
                try FileManager.default.copyItem(atPath: path, toPath: export + "/" + name)
                members = [name]
            }
            for (kind, ext, bytes) in try variants(of: rendered.preview.bytes) {
                let name = "\(family)-\(kind).\(ext)"
                let file = folder + "/" + name
                try Data(bytes).write(to: URL(fileURLWithPath: file))
                if let export { try Data(bytes).write(to: URL(fileURLWithPath: export + "/" + name)) }
                let h = try #require(hash(file), "\(name) of \(relative) did not render")
                items.append(Item(family: family, name: name, hash: h))
                members.append(name)
            }
            families.append(members)
        }
        // The corpus holds the same picture more than once (the orientation series, a TIFF in
        // several encodings...): originals whose pixels agree are one family. Decided by pixels
        // (16×16 RGB, mean absolute difference under 6/255, same aspect ratio), not by hashes.
        var canonical = Array(families.indices)
        func root(_ f: Int) -> Int { var r = f; while canonical[r] != r { r = canonical[r] }; return r }
        for a in families.indices {
            for b in families.indices where b > a && abs(aspects[a] / aspects[b] - 1) < 0.03 {
                let mad = zip(looks[a], looks[b]).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(looks[a].count)
                if mad < 6 { canonical[max(root(a), root(b))] = min(root(a), root(b)) }
            }
        }
        for i in items.indices { items[i].family = root(items[i].family) }
        let merged = Dictionary(grouping: families.indices, by: root).values.filter { $0.count > 1 }
        print("corpus pictures stored more than once (one family each): "
              + merged.map { "[" + $0.map { families[$0][0] }.joined(separator: ", ") + "]" }.joined(separator: " "))
        if let export {
            let groups = Dictionary(grouping: families.indices, by: root).values.map { $0.flatMap { families[$0] } }
            try JSONSerialization.data(withJSONObject: ["families": groups], options: [.prettyPrinted])
                .write(to: URL(fileURLWithPath: export + "/families.json"))
        }
        return items
    }

    /// A picture's look: its RGBA placeholder averaged down to 16×16 RGB.
    static func look(_ p: PixelBuffer) -> [Double] {
        var out = [Double](repeating: 0, count: 16 * 16 * 3)
        var counts = [Double](repeating: 0, count: 16 * 16)
        for y in 0..<p.height {
            for x in 0..<p.width {
                let cell = (y * 16 / p.height) * 16 + x * 16 / p.width
                for c in 0..<3 { out[cell * 3 + c] += Double(p.pixels[(y * p.width + x) * 4 + c]) }
                counts[cell] += 1
            }
        }
        return out.indices.map { counts[$0 / 3] > 0 ? out[$0] / counts[$0 / 3] : 0 }
    }

    struct Score {
        var truePairs = 0, falsePairs = 0, missedPairs = 0
        var precision: Double { truePairs + falsePairs == 0 ? 1 : Double(truePairs) / Double(truePairs + falsePairs) }
        var recall: Double { truePairs + missedPairs == 0 ? 1 : Double(truePairs) / Double(truePairs + missedPairs) }
    }

    /// Pairs found through the finder (index + policy) against the families.
    static func score(_ items: [Item], _ policy: NearDuplicatePolicy, falses: inout [String]) -> Score {
        var finder = NearDuplicateFinder(policy: policy)
        var found = Set<[Int]>()
        for (i, item) in items.enumerated() {
            for match in finder.add(id: Int64(i), hash: item.hash) { found.insert([Int(match.id), i]) }
        }
        var score = Score()
        for pair in found {
            if items[pair[0]].family == items[pair[1]].family {
                score.truePairs += 1
            } else {
                score.falsePairs += 1
                let d = items[pair[0]].hash.distance(to: items[pair[1]].hash)
                falses.append("\(items[pair[0]].name) ~ \(items[pair[1]].name) (pHash \(d.phash), dHash \(d.dhash))")
            }
        }
        let families = Dictionary(grouping: items.indices, by: { items[$0].family })
        let truth = families.values.reduce(0) { $0 + $1.count * ($1.count - 1) / 2 }
        score.missedPairs = truth - score.truePairs
        return score
    }

    @Test func nearDuplicatesAreFoundAndDistinctPhotosKeptApart() throws {
        let items = try Self.buildSet()
        let familyCount = Set(items.map(\.family)).count
        #expect(familyCount >= 150, "only \(familyCount) corpus photos rendered")
        // The sweep BENCHMARKS.md quotes, then the default policy.
        for (p, d) in [(8, 8), (8, 12), (10, 10), (10, 12), (12, 12), (10, 64), (12, 64), (64, 12)] {
            var ignored: [String] = []
            let s = Self.score(items, NearDuplicatePolicy(maxPHashDistance: p, maxDHashDistance: d), falses: &ignored)
            print("near-duplicates pHash ≤ \(p), dHash ≤ \(d): precision \(String(format: "%.4f", s.precision)), "
                  + "recall \(String(format: "%.4f", s.recall)) (\(s.truePairs) found, \(s.falsePairs) false, \(s.missedPairs) missed)")
        }
        var falses: [String] = []
        let s = Self.score(items, NearDuplicatePolicy(), falses: &falses)
        print("near-duplicate set: \(familyCount) photos × 8 files = \(items.count); default policy: precision \(s.precision), recall \(s.recall)")
        for f in falses { print("  false: \(f)") }
        #expect(s.precision >= 0.98)
        #expect(s.recall >= 0.95)
    }
}
