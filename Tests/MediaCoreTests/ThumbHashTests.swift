import Foundation
import Testing
@testable import MediaCore

@Suite struct ThumbHashTests {
    // MARK: Synthetic images (the same formulas as the reference generator below)

    struct Image {
        var name: String
        var width: Int
        var height: Int
        var rgba: [UInt8]
    }

    static func make(_ name: String, _ w: Int, _ h: Int, _ f: (Int, Int) -> (Int, Int, Int, Int)) -> Image {
        var rgba = [UInt8](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            for x in 0..<w {
                let (r, g, b, a) = f(x, y)
                let i = (y * w + x) * 4
                rgba[i] = UInt8(r); rgba[i + 1] = UInt8(g); rgba[i + 2] = UInt8(b); rgba[i + 3] = UInt8(a)
            }
        }
        return Image(name: name, width: w, height: h, rgba: rgba)
    }

    static func pattern(_ x: Int, _ y: Int) -> (Int, Int, Int, Int) {
        ((x * x + y) % 256, (x * y) % 256, (x + 3 * y) % 256, 255)
    }

    static let images: [String: Image] = {
        let list = [
            make("gradient", 32, 32) { x, y in ((x * 7) % 256, (y * 5) % 256, ((x + y) * 3) % 256, 255) },
            make("checkerboard", 16, 16) { x, y in
                let v = ((x >> 2) + (y >> 2)) & 1 == 1 ? 255 : 0
                return (v, 255 - v, 64, 255)
            },
            make("transparency", 40, 30) { x, y in (200, (y * 8) % 256, 50, min(255, x * 7)) },
            make("onePixel", 1, 1) { _, _ in (12, 200, 99, 255) },
            make("landscape100x75", 100, 75, pattern),
            make("portrait75x100", 75, 100, pattern),
            make("fullyTransparent", 10, 10) { _, _ in (0, 0, 0, 0) },
            make("uniform", 20, 20) { _, _ in (30, 60, 90, 255) },
        ]
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()

    // MARK: Reference values
    //
    // Produced by the reference JavaScript implementation (Evan Wallace's js/thumbhash.js from
    // github.com/evanw/thumbhash, the same code as npm `thumbhash` 0.1.1; copied from the
    // nigeltao/thumbhash mirror at commit 4d404127bf265529df60a36f380daa765d84f226) under
    // Node.js v20.20.2 on x86_64 Linux: `node gen.mjs`, where gen.mjs builds each image above with
    // the same integer formulas into a Uint8Array and prints `rgbaToThumbHash(w, h, rgba)`, then
    // `thumbHashToRGBA(hash)` as w×h and the FNV-1a 32 of its rgba bytes, `thumbHashToAverageRGBA`
    // and `thumbHashToApproximateAspectRatio`. Independent of this code: the test can fail.
    // (The PyPI `thumbhash` 0.1.2 port was not used: it rounds with Python's banker's `round`, so
    // it is not bit-exact with the reference.)

    struct Reference {
        var hash: [UInt8]
        var decodedWidth: Int
        var decodedHeight: Int
        var decodedFNV1a: UInt32
        var average: (r: Double, g: Double, b: Double, a: Double)
        var ratio: Double
    }

    static let references: [String: Reference] = [
        "gradient": Reference(
            hash: [23, 56, 14, 15, 22, 112, 119, 135, 113, 136, 136, 135, 136, 120, 136, 120, 136, 135, 7, 247, 135, 112, 141, 7],
            decodedWidth: 32, decodedHeight: 32, decodedFNV1a: 0x87e7_a6a2,
            average: (0.4259259259259259, 0.3148148148148147, 0.35449735449735453, 1), ratio: 1),
        "checkerboard": Reference(
            hash: [218, 9, 2, 7, 8, 120, 105, 44, 136, 119, 136, 134, 119, 151, 136, 104, 119, 141, 128, 117, 7, 135, 8, 8],
            decodedWidth: 32, decodedHeight: 32, decodedFNV1a: 0x8166_8677,
            average: (0.5, 0.4841269841269842, 0.25396825396825395, 1), ratio: 1),
        "transparency": Reference(
            hash: [94, 171, 134, 28, 140, 56, 120, 120, 176, 136, 135, 120, 136, 7, 139, 120, 79, 7, 119, 135, 135, 120, 136, 120, 8],
            decodedWidth: 32, decodedHeight: 26, decodedFNV1a: 0x54e9_d632,
            average: (0.7857142857142856, 0.45238095238095233, 0.19047619047619047, 0.5333333333333333), ratio: 1.25),
        "onePixel": Reference(
            hash: [26, 136, 52, 23, 92, 8, 247, 8, 136, 135, 136, 112, 143, 112, 136, 248, 8, 136, 128, 128, 8, 247, 135, 15],
            decodedWidth: 32, decodedHeight: 32, decodedFNV1a: 0x6afa_5f92,
            average: (0.044973544973545, 0.791005291005291, 0.40211640211640215, 1), ratio: 1),
        "landscape100x75": Reference(
            hash: [159, 247, 5, 37, 130, 85, 85, 86, 48, 120, 119, 162, 119, 151, 117, 133, 135, 239, 111, 150, 251],
            decodedWidth: 32, decodedHeight: 23, decodedFNV1a: 0x51d7_1a35,
            average: (0.46825396825396814, 0.4841269841269841, 0.5238095238095238, 1), ratio: 1.4),
        "portrait75x100": Reference(
            hash: [30, 8, 10, 77, 2, 101, 102, 85, 118, 7, 135, 136, 121, 87, 87, 120, 119, 151, 79, 52, 252],
            decodedWidth: 23, decodedHeight: 32, decodedFNV1a: 0x7233_f034,
            average: (0.4894179894179893, 0.4735449735449735, 0.46560846560846564, 1), ratio: 0.7142857142857143),
        "fullyTransparent": Reference(
            hash: [0, 8, 130, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            decodedWidth: 32, decodedHeight: 32, decodedFNV1a: 0x64bd_fdc5,
            average: (0.01322751322751318, 0, 0, 0), ratio: 1),
        // All AC terms are rounding noise here, normalised to full scale: a sensitive check that
        // the arithmetic (order and precision) matches the reference.
        "uniform": Reference(
            hash: [143, 198, 1, 7, 0, 121, 120, 120, 119, 120, 136, 119, 120, 71, 136, 136, 119, 123, 128, 191, 88, 208, 120, 8],
            decodedWidth: 32, decodedHeight: 32, decodedFNV1a: 0x4d4e_1dc5,
            average: (0.12433862433862425, 0.2354497354497354, 0.35449735449735453, 1), ratio: 1),
    ]

    static func fnv1a(_ bytes: [UInt8]) -> UInt32 {
        var h: UInt32 = 0x811c_9dc5
        for b in bytes { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    static var names: [String] { references.keys.sorted() }

    // MARK: Bit-exactness against the reference

    @Test(arguments: ThumbHashTests.names)
    func encodeMatchesReference(_ name: String) throws {
        let image = try #require(Self.images[name])
        let reference = try #require(Self.references[name])
        let hash = ThumbHash.encode(width: image.width, height: image.height, rgba: image.rgba)
        #expect(hash == reference.hash)
    }

    @Test(arguments: ThumbHashTests.names)
    func decodeMatchesReference(_ name: String) throws {
        let reference = try #require(Self.references[name])
        let decoded = try #require(ThumbHash.decode(reference.hash))
        #expect(decoded.width == reference.decodedWidth)
        #expect(decoded.height == reference.decodedHeight)
        #expect(decoded.rgba.count == decoded.width * decoded.height * 4)
        #expect(Self.fnv1a(decoded.rgba) == reference.decodedFNV1a)
    }

    @Test(arguments: ThumbHashTests.names)
    func averageAndRatioMatchReference(_ name: String) throws {
        let reference = try #require(Self.references[name])
        let average = try #require(ThumbHash.averageColor(reference.hash))
        #expect(average.r == reference.average.r)
        #expect(average.g == reference.average.g)
        #expect(average.b == reference.average.b)
        #expect(average.a == reference.average.a)
        #expect(ThumbHash.approximateAspectRatio(reference.hash) == reference.ratio)
    }

    @Test func manyRandomImagesMatchReference() {
        // 60 pseudo-random images of random sizes in 1...100, every third with random alpha. The
        // expected digest (FNV-1a 32 over all hashes, 1237 bytes) comes from the same reference JS
        // under Node.js v20.20.2 (random.mjs: the same LCG and loop, `rgbaToThumbHash` per image).
        var state: UInt32 = 12345
        func next() -> Int {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int(state >> 24)
        }
        var digest: UInt32 = 0x811c_9dc5
        var total = 0
        for k in 0..<60 {
            let w = 1 + ((next() * 100) >> 8)
            let h = 1 + ((next() * 100) >> 8)
            var rgba = [UInt8](repeating: 0, count: w * h * 4)
            for i in rgba.indices {
                rgba[i] = (i % 4 == 3 && k % 3 != 0) ? 255 : UInt8(next())
            }
            guard let hash = ThumbHash.encode(width: w, height: h, rgba: rgba) else {
                Issue.record("\(w)×\(h) rejected")
                return
            }
            total += hash.count
            for b in hash { digest = (digest ^ UInt32(b)) &* 0x0100_0193 }
        }
        #expect(total == 1237)
        #expect(digest == 0x9ba3_4d6b)
    }

    @Test func cosineIsV8s() {
        // Node.js v20.20.2 `Math.cos` of these encoder arguments; glibc's `cos` on x86_64 (FMA)
        // returns the neighbouring double for each, which flips coefficients on a rounding edge.
        #expect(ThumbHash.referenceCos(Double.pi / 16 * 3 * 9.5) == 0.7730104533627365)
        #expect(ThumbHash.referenceCos(Double.pi / 16 * 6 * 14.5) == -0.19509032201613002)
        #expect(ThumbHash.referenceCos(Double.pi / 20 * 1 * 3.5) == 0.8526401643540923)
        #expect(ThumbHash.referenceCos(0) == 1)
        #expect(ThumbHash.referenceCos(-Double.pi) == -1)
    }

    // MARK: Round trip

    @Test(arguments: ThumbHashTests.names)
    func roundTripKeepsShapeColourAndAlpha(_ name: String) throws {
        let image = try #require(Self.images[name])
        let hash = try #require(ThumbHash.encode(width: image.width, height: image.height, rgba: image.rgba))
        #expect(hash.count <= 25)

        // Aspect ratio: within the coarse quantisation (counts out of 7, or 5 with alpha).
        let ratio = try #require(ThumbHash.approximateAspectRatio(hash))
        let actual = Double(image.width) / Double(image.height)
        #expect(abs(log(ratio / actual)) < log(1.25), "\(name): ratio \(ratio) vs \(actual)")
        let decoded = try #require(ThumbHash.decode(hash))
        #expect(max(decoded.width, decoded.height) == 32)
        #expect(abs(Double(decoded.width) / Double(decoded.height) - ratio) < 0.1)

        // Average colour: alpha-weighted mean of the input (RGB only where something is visible).
        var sum = (r: 0.0, g: 0.0, b: 0.0, a: 0.0)
        for i in stride(from: 0, to: image.rgba.count, by: 4) {
            let alpha = Double(image.rgba[i + 3]) / 255
            sum.r += alpha * Double(image.rgba[i]) / 255
            sum.g += alpha * Double(image.rgba[i + 1]) / 255
            sum.b += alpha * Double(image.rgba[i + 2]) / 255
            sum.a += alpha
        }
        let pixels = Double(image.width * image.height)
        let average = try #require(ThumbHash.averageColor(hash))
        #expect(abs(average.a - sum.a / pixels) <= 1.0 / 30 + 1e-9)
        if sum.a > 0 {
            // 6-bit L, P, Q quantisation: a few hundredths at most per channel.
            #expect(abs(average.r - sum.r / sum.a) < 0.04, "\(name)")
            #expect(abs(average.g - sum.g / sum.a) < 0.04, "\(name)")
            #expect(abs(average.b - sum.b / sum.a) < 0.04, "\(name)")
        }

        // Transparency flag: bit 23 of the header, and the decoded alpha.
        let hasAlpha = image.rgba.enumerated().contains { $0.offset % 4 == 3 && $0.element < 255 }
        #expect((hash[2] & 0x80 != 0) == hasAlpha)
        let decodedAlpha = stride(from: 3, to: decoded.rgba.count, by: 4).map { decoded.rgba[$0] }
        if hasAlpha {
            #expect(decodedAlpha.contains { $0 < 255 })
        } else {
            #expect(decodedAlpha.allSatisfy { $0 == 255 })
        }
    }

    @Test func transparencyGradientSurvivesDecoding() throws {
        // Left edge fully transparent, right edge opaque: the placeholder keeps that direction.
        let image = try #require(Self.images["transparency"])
        let hash = try #require(ThumbHash.encode(width: image.width, height: image.height, rgba: image.rgba))
        let decoded = try #require(ThumbHash.decode(hash))
        let row = decoded.height / 2
        let left = decoded.rgba[(row * decoded.width) * 4 + 3]
        let right = decoded.rgba[(row * decoded.width + decoded.width - 1) * 4 + 3]
        #expect(left < 64)
        #expect(right > 192)
    }

    // MARK: Invalid input

    @Test func rejectsInvalidDimensionsAndBuffers() {
        #expect(ThumbHash.encode(width: 0, height: 0, rgba: []) == nil)
        #expect(ThumbHash.encode(width: 101, height: 10, rgba: [UInt8](repeating: 0, count: 101 * 10 * 4)) == nil)
        #expect(ThumbHash.encode(width: 10, height: 101, rgba: [UInt8](repeating: 0, count: 10 * 101 * 4)) == nil)
        #expect(ThumbHash.encode(width: -1, height: 10, rgba: []) == nil)
        #expect(ThumbHash.encode(width: 10, height: 10, rgba: [UInt8](repeating: 0, count: 399)) == nil)
        #expect(ThumbHash.encode(width: 10, height: 10, rgba: [UInt8](repeating: 0, count: 401)) == nil)
        #expect(ThumbHash.encode(width: Int.max, height: Int.max, rgba: []) == nil)
        // The bounds themselves are accepted.
        #expect(ThumbHash.encode(width: 100, height: 100, rgba: [UInt8](repeating: 90, count: 100 * 100 * 4)) != nil)
        #expect(ThumbHash.encode(width: 1, height: 100, rgba: [UInt8](repeating: 90, count: 100 * 4)) != nil)
    }

    @Test func rejectsTruncatedOrMalformedHashes() throws {
        for count in 0..<5 {
            let prefix = [UInt8](repeating: 0x11, count: count)
            #expect(ThumbHash.decode(prefix) == nil)
            #expect(ThumbHash.averageColor(prefix) == nil)
            #expect(ThumbHash.approximateAspectRatio(prefix) == nil)
        }
        // A hash cut short of its coefficients cannot be decoded, but its header still reads.
        let full = try #require(Self.references["transparency"]).hash
        for count in 6..<full.count {
            #expect(ThumbHash.decode(Array(full[..<count])) == nil)
        }
        #expect(ThumbHash.averageColor(Array(full[..<6])) != nil)
        // With the alpha bit set, the header needs its sixth byte.
        #expect(ThumbHash.averageColor(Array(full[..<5])) == nil)
        // Trailing bytes are ignored, as by the reference.
        #expect(ThumbHash.decode(full + [1, 2, 3])?.rgba == ThumbHash.decode(full)?.rgba)
        // A portrait header with a zero luminance count has no aspect ratio.
        var zero = try #require(Self.references["portrait75x100"]).hash
        zero[3] &= ~7
        #expect(ThumbHash.approximateAspectRatio(zero) == nil)
        #expect(ThumbHash.decode(zero) == nil)
    }

    @Test func arbitraryBytesNeverCrash() {
        // Deterministic pseudo-random hashes of every length up to 30 bytes.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0...30 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ -> UInt8 in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 56)
                }
                if let decoded = ThumbHash.decode(bytes) {
                    #expect(decoded.rgba.count == decoded.width * decoded.height * 4)
                    #expect(decoded.width <= 32 && decoded.height <= 32)
                }
                if let c = ThumbHash.averageColor(bytes) {
                    #expect((0...1).contains(c.r) && (0...1).contains(c.g) && (0...1).contains(c.b) && (0...1).contains(c.a))
                }
                _ = ThumbHash.approximateAspectRatio(bytes)
            }
        }
    }

    @Test func documentationExample() throws {
        let rgba: [UInt8] = [255, 0, 0, 255, 0, 0, 255, 128]
        let hash = try #require(ThumbHash.encode(width: 2, height: 1, rgba: rgba))
        #expect(ThumbHash.approximateAspectRatio(hash) == 5.0 / 3.0)
        #expect(ThumbHash.decode(hash) != nil)
    }
}
