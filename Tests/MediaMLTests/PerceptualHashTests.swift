import Foundation
import Testing
@testable import MediaML

@Suite struct PerceptualHashTests {
    /// Deterministic pseudo-random bytes.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    /// The separable DCT gives the coefficients of the textbook double sum, so the hash is
    /// imagehash's definition and not an approximation of it.
    @Test func dctHashMatchesTheDirectDoubleSum() throws {
        let pixels = Self.noise(32 * 32, seed: 7).map(Double.init)
        var low = [Double](repeating: 0, count: 64)
        for v in 0..<8 {
            for u in 0..<8 {
                var sum = 0.0
                for y in 0..<32 {
                    for x in 0..<32 {
                        sum += pixels[y * 32 + x] * 2 * cos(Double.pi * Double(u) * Double(2 * x + 1) / 64)
                            * 2 * cos(Double.pi * Double(v) * Double(2 * y + 1) / 64)
                    }
                }
                low[v * 8 + u] = sum
            }
        }
        let sorted = low.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        let expected = low.reduce(UInt64(0)) { ($0 << 1) | ($1 > median ? 1 : 0) }
        #expect(PerceptualHash.dctHash(pixels, side: 32) == expected)
        #expect(expected.nonzeroBitCount == 32)  // a median splits 64 distinct values in halves
    }

    /// dHash bits are "right brighter than left", row-major from the top bit.
    @Test func differenceHashReadsLeftToRight() throws {
        let rising = PixelBuffer(width: 32, height: 32, channels: 1, pixels: (0..<1024).map { UInt8(($0 % 32) * 8) })
        #expect(try PerceptualHash(gray: rising).dhash == UInt64.max)
        let falling = PixelBuffer(width: 32, height: 32, channels: 1, pixels: (0..<1024).map { UInt8(255 - ($0 % 32) * 8) })
        #expect(try PerceptualHash(gray: falling).dhash == 0)
        // Top half rising, bottom half falling: the first 32 bits set.
        let splitPixels: [UInt8] = (0..<1024).map { (i: Int) -> UInt8 in
            let step = UInt8((i % 32) * 8)
            return i / 32 < 16 ? step : 255 - step
        }
        let split = PixelBuffer(width: 32, height: 32, channels: 1, pixels: splitPixels)
        #expect(try PerceptualHash(gray: split).dhash == 0xFFFF_FFFF_0000_0000)
    }

    /// What makes the hashes useful: a brightness offset changes neither (the DCT's offset is in
    /// its DC term alone, differences keep their sign), a different picture changes about half
    /// the bits.
    @Test func offsetsKeepTheHashAndOtherPicturesDoNot() throws {
        let base = Self.noise(1024, seed: 11).map { $0 / 2 + 20 }  // 20...147
        let brighter = base.map { $0 + 60 }
        let a = try PerceptualHash(gray: PixelBuffer(width: 32, height: 32, channels: 1, pixels: base))
        let b = try PerceptualHash(gray: PixelBuffer(width: 32, height: 32, channels: 1, pixels: brighter))
        #expect(a.distance(to: b) == (0, 0))
        let other = try PerceptualHash(gray: PixelBuffer(width: 32, height: 32, channels: 1, pixels: Self.noise(1024, seed: 12)))
        let d = a.distance(to: other)
        #expect(d.phash > 16 && d.dhash > 16, "unrelated pictures at \(d)")
    }

    @Test func largerBuffersAreAveragedDownAndBadOnesRefused() throws {
        // 64×64 made of 2×2 blocks of a 32×32 picture hashes like the picture.
        let small = Self.noise(1024, seed: 3)
        let big: [UInt8] = (0..<4096).map { (i: Int) -> UInt8 in
            let y = i / 64 / 2, x = (i % 64) / 2
            return small[y * 32 + x]
        }
        let a = try PerceptualHash(gray: PixelBuffer(width: 32, height: 32, channels: 1, pixels: small))
        let b = try PerceptualHash(gray: PixelBuffer(width: 64, height: 64, channels: 1, pixels: big))
        #expect(a == b)
        #expect(throws: MediaCoreError.self) { try PerceptualHash(gray: PixelBuffer(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: 0, count: 16))) }
        #expect(throws: MediaCoreError.self) { try PerceptualHash(gray: PixelBuffer(width: 32, height: 32, channels: 4, pixels: [])) }
    }
}

@Suite struct HammingIndexTests {
    /// Radius queries agree with a scan of every hash, for every radius up to 12, on hashes
    /// placed at known distances from the queries.
    @Test func radiusQueriesMatchABruteForceScan() {
        var state: UInt64 = 42
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state }
        var hashes: [UInt64] = (0..<3000).map { _ in next() }
        let queries = (0..<40).map { _ in next() }
        // Near each query, hashes at 0...14 flipped bits.
        for q in queries {
            for flips in 0...14 {
                var h = q
                var used = Set<UInt64>()
                while used.count < flips { used.insert(next() % 64) }
                for b in used { h ^= 1 << b }
                hashes.append(h)
            }
        }
        var index = HammingIndex()
        for (i, h) in hashes.enumerated() { index.insert(h, id: Int64(i)) }
        #expect(index.count == hashes.count)
        for q in queries {
            for radius in [0, 3, 4, 7, 8, 11, 12, 15, 16, 20] {
                let expected = hashes.enumerated()
                    .map { (id: Int64($0.offset), distance: ($0.element ^ q).nonzeroBitCount) }
                    .filter { $0.distance <= radius }
                    .sorted { ($0.distance, $0.id) < ($1.distance, $1.id) }
                let found = index.neighbours(of: q, within: radius)
                #expect(found.map(\.id) == expected.map(\.id) && found.map(\.distance) == expected.map(\.distance),
                        "radius \(radius)")
            }
        }
        // Removing takes an entry out of every table.
        let victim = hashes[3000]
        index.remove(victim, id: 3000)
        #expect(index.count == hashes.count - 1)
        #expect(!index.neighbours(of: victim, within: 0).contains { $0.id == 3000 })
    }
}

@Suite struct NearDuplicateFinderTests {
    static func hash(_ p: UInt64, _ d: UInt64) -> PerceptualHash { PerceptualHash(phash: p, dhash: d) }

    /// Matches need both hashes close; matches join into groups across chains; flat pictures
    /// (black frames) match nothing, even each other.
    @Test func groupsNeedBothHashesAndSkipFlatPictures() throws {
        var finder = NearDuplicateFinder(policy: NearDuplicatePolicy(maxPHashDistance: 4, maxDHashDistance: 4))
        #expect(finder.add(id: 1, hash: Self.hash(0xFF00, 0xF0F0)).isEmpty)
        #expect(finder.add(id: 2, hash: Self.hash(0xFF01, 0xF0F1)).map(\.id) == [1])     // 1 and 1 bits
        #expect(finder.add(id: 3, hash: Self.hash(0xFF03, 0x0F0F)).isEmpty)              // pHash close, dHash far
        #expect(finder.add(id: 4, hash: Self.hash(0xFF07, 0xF0F7)).map(\.id) == [2, 1])  // 2 from 2, 3 from 1
        #expect(finder.add(id: 5, hash: Self.hash(0x00FF_0000, 0x1234)).isEmpty)
        let black = try PerceptualHash(gray: PixelBuffer(width: 32, height: 32, channels: 1, pixels: [UInt8](repeating: 0, count: 1024)))
        #expect(black.isFlat)
        #expect(finder.add(id: 6, hash: black).isEmpty && finder.add(id: 7, hash: black).isEmpty)
        #expect(!NearDuplicatePolicy().matches(black, black))
        #expect(finder.groups() == [[1, 2, 4]])
        finder.join(5, 3)
        #expect(finder.groups() == [[1, 2, 4], [3, 5]])
    }
}
