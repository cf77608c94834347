public import MediaCore

/// Two 64-bit perceptual hashes of a picture: the DCT hash (pHash) and the difference hash
/// (dHash), computed from the small grayscale buffer that the thumbnailer's single decode makes
/// (``RenderedImages/gray``, 32×32), so that hashing needs no decode of its own.
///
/// Both follow the definitions of the `imagehash` Python package, whose thresholds people know:
/// - pHash (Zauner, *Implementation and Benchmarking of Perceptual Image Hash Functions*, 2010;
///   imagehash's `phash`): the 2-D DCT-II of the 32×32 image, its 8×8 lowest frequencies, one bit
///   per coefficient: above their median.
/// - dHash (Krawetz, *Kind of Like That*, 2013; imagehash's `dhash`): the image reduced to 9×8,
///   one bit per horizontally adjacent pair: the right pixel brighter than the left.
///
/// Bits are numbered row-major from the most significant (bit 63 is row 0, column 0), as
/// imagehash prints them in hex.
///
/// ```swift
/// let rendered = try VipsThumbnailer().render(path: path, metadata: metadata)
/// let hash = try PerceptualHash(gray: rendered.gray)
/// hash.distance(to: other)            // (phash: 3, dhash: 5)
/// ```
public struct PerceptualHash: Sendable, Hashable, Codable {
    /// The DCT hash.
    public var phash: UInt64
    /// The difference hash.
    public var dhash: UInt64
    /// Whether the picture is (nearly) one flat tone — a black frame, a lens cap, a blank
    /// scan: the gray buffer's standard deviation is under 2 levels. Its bits then carry no
    /// information (a black frame hashes like every other), so it matches nothing.
    public var isFlat: Bool

    /// Wraps hashes computed earlier (for example read back from a catalog).
    public init(phash: UInt64, dhash: UInt64, isFlat: Bool = false) {
        self.phash = phash
        self.dhash = dhash
        self.isFlat = isFlat
    }

    /// Hashes a square grayscale buffer of at least 32×32 pixels (larger ones are averaged down
    /// to 32×32 first).
    /// - Throws: `MediaCoreError.undecodable` when the buffer is not one gray channel of at
    ///   least 9×8 pixels or its size does not match its pixels.
    public init(gray: PixelBuffer) throws(MediaCoreError) {
        guard gray.channels == 1, gray.width >= 9, gray.height >= 8, gray.pixels.count == gray.width * gray.height else {
            throw MediaCoreError(.undecodable, "perceptual hashes need one gray channel of at least 9×8 pixels, "
                                 + "not \(gray.width)×\(gray.height)×\(gray.channels)")
        }
        let values = gray.pixels.map { Double($0) }
        let mean = values.reduce(0, +) / Double(values.count)
        isFlat = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot() < 2
        let side = 32
        let square = (gray.width, gray.height) == (side, side)
            ? values : Self.areaResize(values, gray.width, gray.height, to: side, side)
        phash = Self.dctHash(square, side: side)
        dhash = Self.differenceHash(Self.areaResize(values, gray.width, gray.height, to: 9, 8))
    }

    /// The Hamming distances of the two hashes (0...64 each).
    public func distance(to other: PerceptualHash) -> (phash: Int, dhash: Int) {
        ((phash ^ other.phash).nonzeroBitCount, (dhash ^ other.dhash).nonzeroBitCount)
    }

    // MARK: - The algorithms

    /// The 8×8 lowest DCT-II frequencies of the `side`×`side` image, thresholded at their median
    /// (the median of 64 values: the mean of the 32nd and 33rd, as numpy's).
    static func dctHash(_ image: [Double], side: Int) -> UInt64 {
        let n = side
        let basis = dctBasis(n: n, k: 8)
        // Rows first: row r's 8 lowest frequencies; then the columns of that 32×8 result.
        var rows = [Double](repeating: 0, count: n * 8)
        for r in 0..<n {
            for u in 0..<8 {
                var sum = 0.0
                for x in 0..<n { sum += image[r * n + x] * basis[u * n + x] }
                rows[r * 8 + u] = sum
            }
        }
        var low = [Double](repeating: 0, count: 64)
        for v in 0..<8 {
            for u in 0..<8 {
                var sum = 0.0
                for y in 0..<n { sum += rows[y * 8 + u] * basis[v * n + y] }
                low[v * 8 + u] = sum
            }
        }
        let sorted = low.sorted()
        let median = (sorted[31] + sorted[32]) / 2
        return low.reduce(UInt64(0)) { ($0 << 1) | ($1 > median ? 1 : 0) }
    }

    /// scipy's unnormalised DCT-II basis, `2 cos(π u (2x + 1) / 2n)`, for the first `k`
    /// frequencies (the factor 2 changes no comparison with the median but keeps the
    /// coefficients equal to imagehash's).
    static func dctBasis(n: Int, k: Int) -> [Double] {
        var basis = [Double](repeating: 0, count: k * n)
        for u in 0..<k {
            for x in 0..<n { basis[u * n + x] = 2 * cos(Double.pi * Double(u) * Double(2 * x + 1) / Double(2 * n)) }
        }
        return basis
    }

    /// One bit per horizontally adjacent pair of the 9×8 image: right brighter than left.
    static func differenceHash(_ image: [Double]) -> UInt64 {
        var hash: UInt64 = 0
        for y in 0..<8 {
            for x in 0..<8 { hash = (hash << 1) | (image[y * 9 + x + 1] > image[y * 9 + x] ? 1 : 0) }
        }
        return hash
    }

    /// Box (area) averaging from `w`×`h` to `ow`×`oh`, each output pixel the mean of the input
    /// area it covers (fractional pixels weighted).
    static func areaResize(_ image: [Double], _ w: Int, _ h: Int, to ow: Int, _ oh: Int) -> [Double] {
        func spans(_ n: Int, _ on: Int) -> [[(Int, Double)]] {
            let scale = Double(n) / Double(on)
            return (0..<on).map { o in
                let lo = Double(o) * scale, hi = Double(o + 1) * scale
                return (Int(lo)..<min(n, Int(hi.rounded(.up)))).compactMap { i in
                    let weight = min(hi, Double(i + 1)) - max(lo, Double(i))
                    return weight > 0 ? (i, weight) : nil
                }
            }
        }
        let xs = spans(w, ow), ys = spans(h, oh)
        var out = [Double](repeating: 0, count: ow * oh)
        for oy in 0..<oh {
            for ox in 0..<ow {
                var sum = 0.0, total = 0.0
                for (y, wy) in ys[oy] {
                    for (x, wx) in xs[ox] {
                        sum += image[y * w + x] * wx * wy
                        total += wx * wy
                    }
                }
                out[oy * ow + ox] = total > 0 ? sum / total : 0
            }
        }
        return out
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
