import Foundation

/// ThumbHash: a very compact (about 25 bytes) placeholder for an image that keeps its average
/// colour, its rough layout, its alpha channel and its approximate aspect ratio.
///
/// This is a faithful port of the reference JavaScript implementation by Evan Wallace
/// (`rgbaToThumbHash`, `thumbHashToRGBA`, `thumbHashToAverageRGBA` and
/// `thumbHashToApproximateAspectRatio` in `js/thumbhash.js` of <https://github.com/evanw/thumbhash>,
/// MIT licence; the algorithm is described at <https://evanw.github.io/thumbhash/>). The image is
/// converted to an LPQA colour space (luminance, yellow–blue, red–green, alpha), each channel is
/// reduced to a few low-frequency DCT coefficients, and those are quantised to 4–6 bits.
///
/// The arithmetic is done in `Double`, in the same order as the JavaScript reference (whose numbers
/// are IEEE 754 doubles), with JavaScript's `Math.round` and with V8's `Math.cos` (fdlibm, ported
/// below: glibc's `cos` differs from it in the last bit for about 4% of the arguments used here,
/// which flips 4-bit coefficients that sit on a rounding boundary), so the bytes are the ones the
/// reference produces under Node.js: the same hashes as Immich's server (`thumbhash` npm package)
/// computes. (The reference's own Swift port computes in `Float` and does not promise that.)
///
/// ```swift
/// // A 2×1 image: one opaque red pixel, one half-transparent blue one.
/// let rgba: [UInt8] = [255, 0, 0, 255,   0, 0, 255, 128]
/// if let hash = ThumbHash.encode(width: 2, height: 1, rgba: rgba) {
///     let base64 = Data(hash).base64EncodedString()        // what a client stores or sends
///     let ratio = ThumbHash.approximateAspectRatio(hash)     // 5 / 3: coarse, see below
///     let placeholder = ThumbHash.decode(hash)               // a ≤32×32 RGBA image
/// }
/// ```
public enum ThumbHash {
    /// The largest width or height ``encode(width:height:rgba:)`` accepts. Larger images gain
    /// nothing and take longer: scale them down first (keeping their aspect ratio).
    public static let maximumDimension = 100

    // MARK: - Encoding

    /// Encodes an RGBA image of at most 100×100 pixels into a ThumbHash.
    ///
    /// - Parameters:
    ///   - width: The image width in pixels, in `1...100`.
    ///   - height: The image height in pixels, in `1...100`.
    ///   - rgba: The pixels, row by row from the top, 4 bytes each (red, green, blue, alpha; 8 bits
    ///     per channel; straight, not premultiplied, alpha). Must hold exactly
    ///     `width * height * 4` bytes.
    /// - Returns: The hash, at most 25 bytes (fewer for elongated images); or `nil` if `width` or `height` is outside `1...100` or `rgba` has the
    ///   wrong length. Invalid input never traps.
    /// - Complexity: O(`width` × `height`) with a constant of about 60 multiply-adds per pixel;
    ///   a handful of allocations per call, none per pixel.
    ///
    /// ```swift
    /// let pixels = [UInt8](repeating: 200, count: 64 * 48 * 4)
    /// let hash = ThumbHash.encode(width: 64, height: 48, rgba: pixels)   // 24 bytes
    /// ```
    public static func encode(width w: Int, height h: Int, rgba: [UInt8]) -> [UInt8]? {
        guard (1...maximumDimension).contains(w), (1...maximumDimension).contains(h),
              rgba.count == w * h * 4 else { return nil }
        let n = w * h

        // Determine the average colour.
        var avgR = 0.0, avgG = 0.0, avgB = 0.0, avgA = 0.0
        rgba.withUnsafeBufferPointer { px in
            var j = 0
            for _ in 0..<n {
                let alpha = Double(px[j + 3]) / 255
                avgR += alpha / 255 * Double(px[j])
                avgG += alpha / 255 * Double(px[j + 1])
                avgB += alpha / 255 * Double(px[j + 2])
                avgA += alpha
                j += 4
            }
        }
        if avgA > 0 {
            avgR /= avgA
            avgG /= avgA
            avgB /= avgA
        }

        let hasAlpha = avgA < Double(n)
        let lLimit = hasAlpha ? 5 : 7  // fewer luminance coefficients when alpha takes room
        let maxWH = max(w, h)
        let lx = max(1, Int(jsRound(Double(lLimit * w) / Double(maxWH))))
        let ly = max(1, Int(jsRound(Double(lLimit * h) / Double(maxWH))))

        // Convert to LPQA, composited atop the average colour. Planar: L, P, Q, A, n values each.
        var lpqa = [Double](repeating: 0, count: 4 * n)
        rgba.withUnsafeBufferPointer { px in
            lpqa.withUnsafeMutableBufferPointer { out in
                var j = 0
                for i in 0..<n {
                    let alpha = Double(px[j + 3]) / 255
                    let r = avgR * (1 - alpha) + alpha / 255 * Double(px[j])
                    let g = avgG * (1 - alpha) + alpha / 255 * Double(px[j + 1])
                    let b = avgB * (1 - alpha) + alpha / 255 * Double(px[j + 2])
                    out[i] = (r + g + b) / 3
                    out[n + i] = (r + g) / 2 - b
                    out[2 * n + i] = r - g
                    out[3 * n + i] = alpha
                    j += 4
                }
            }
        }

        // DCT basis values, cos(π / w · cx · (x + 0.5)), computed once per call with exactly the
        // reference's expression (it recomputes them per coefficient; the values are the same).
        let basisCount = 7
        var cosX = [Double](repeating: 0, count: basisCount * w)
        var cosY = [Double](repeating: 0, count: basisCount * h)
        for c in 0..<basisCount {
            for x in 0..<w { cosX[c * w + x] = referenceCos(Double.pi / Double(w) * Double(c) * (Double(x) + 0.5)) }
            for y in 0..<h { cosY[c * h + y] = referenceCos(Double.pi / Double(h) * Double(c) * (Double(y) + 0.5)) }
        }

        let (l, p, q, a): (EncodedChannel, EncodedChannel, EncodedChannel, EncodedChannel?) =
            lpqa.withUnsafeBufferPointer { buffer in
                cosX.withUnsafeBufferPointer { cx in
                    cosY.withUnsafeBufferPointer { cy in
                        let channel = { (index: Int) in UnsafeBufferPointer(rebasing: buffer[(index * n)..<((index + 1) * n)]) }
                        let basis = Basis(w: w, h: h, cosX: cx, cosY: cy)
                        return (
                            encodeChannel(channel(0), nx: max(3, lx), ny: max(3, ly), basis: basis),
                            encodeChannel(channel(1), nx: 3, ny: 3, basis: basis),
                            encodeChannel(channel(2), nx: 3, ny: 3, basis: basis),
                            hasAlpha ? encodeChannel(channel(3), nx: 5, ny: 5, basis: basis) : nil
                        )
                    }
                }
            }

        // Write the constants.
        let isLandscape = w > h
        let header24 = Int(jsRound(63 * l.dc))
            | (Int(jsRound(31.5 + 31.5 * p.dc)) << 6)
            | (Int(jsRound(31.5 + 31.5 * q.dc)) << 12)
            | (Int(jsRound(31 * l.scale)) << 18)
            | ((hasAlpha ? 1 : 0) << 23)
        let header16 = (isLandscape ? ly : lx)
            | (Int(jsRound(63 * p.scale)) << 3)
            | (Int(jsRound(63 * q.scale)) << 9)
            | ((isLandscape ? 1 : 0) << 15)
        var hash: [UInt8] = []
        hash.reserveCapacity(25)
        hash.append(UInt8(truncatingIfNeeded: header24))
        hash.append(UInt8(truncatingIfNeeded: header24 >> 8))
        hash.append(UInt8(truncatingIfNeeded: header24 >> 16))
        hash.append(UInt8(truncatingIfNeeded: header16))
        hash.append(UInt8(truncatingIfNeeded: header16 >> 8))
        if let a {
            hash.append(UInt8(truncatingIfNeeded: Int(jsRound(15 * a.dc)) | (Int(jsRound(15 * a.scale)) << 4)))
        }

        // Write the varying factors, two 4-bit values per byte, low nibble first.
        var isOdd = false
        for channel in [l, p, q] + (a.map { [$0] } ?? []) {
            for f in channel.ac {
                let nibble = UInt8(truncatingIfNeeded: Int(jsRound(15 * f)))
                if isOdd, let last = hash.indices.last {
                    hash[last] |= nibble << 4
                } else {
                    hash.append(nibble)
                }
                isOdd.toggle()
            }
        }
        return hash
    }

    // MARK: - Decoding

    /// Decodes a ThumbHash to a small RGBA image, for tests and for servers that render
    /// placeholders themselves (clients usually decode hashes on their own).
    ///
    /// - Parameter hash: A hash made by ``encode(width:height:rgba:)`` or any other conforming
    ///   encoder. Bytes after the last coefficient are ignored.
    /// - Returns: The placeholder, at most 32×32 pixels with the hash's approximate aspect ratio,
    ///   4 bytes a pixel (straight alpha), row-major, byte-identical to the reference
    ///   `thumbHashToRGBA`; or `nil` if the hash is shorter than its header says or its header
    ///   is malformed (a zero coefficient count, so no aspect ratio). Never traps.
    ///
    /// ```swift
    /// if let image = ThumbHash.decode(hash) {
    ///     print(image.width, image.height, image.rgba.count)   // 32 23 2944
    /// }
    /// ```
    public static func decode(_ hash: [UInt8]) -> (width: Int, height: Int, rgba: [UInt8])? {
        guard let header = Header(hash), let ratio = header.aspectRatio else { return nil }
        let hasAlpha = header.hasAlpha
        let lx = max(3, header.lCountX), ly = max(3, header.lCountY)

        // Read the varying factors (saturation boosted by 1.25 to compensate for quantisation).
        let acCount = triangleCount(lx, ly) + 2 * triangleCount(3, 3) + (hasAlpha ? triangleCount(5, 5) : 0)
        let acStart = hasAlpha ? 6 : 5
        guard hash.count >= acStart + (acCount + 1) / 2 else { return nil }
        var acIndex = 0
        func decodeChannel(nx: Int, ny: Int, scale: Double) -> [Double] {
            var ac: [Double] = []
            ac.reserveCapacity(triangleCount(nx, ny))
            for cy in 0..<ny {
                var cx = cy > 0 ? 0 : 1
                while cx * ny < nx * (ny - cy) {
                    let nibble = (hash[acStart + (acIndex >> 1)] >> ((acIndex & 1) << 2)) & 15
                    ac.append((Double(nibble) / 7.5 - 1) * scale)
                    acIndex += 1
                    cx += 1
                }
            }
            return ac
        }
        let lAC = decodeChannel(nx: lx, ny: ly, scale: header.lScale)
        let pAC = decodeChannel(nx: 3, ny: 3, scale: header.pScale * 1.25)
        let qAC = decodeChannel(nx: 3, ny: 3, scale: header.qScale * 1.25)
        let aAC = hasAlpha ? decodeChannel(nx: 5, ny: 5, scale: header.aScale) : []

        // Decode using the DCT into RGB.
        let w = Int(jsRound(ratio > 1 ? 32 : 32 * ratio))
        let h = Int(jsRound(ratio > 1 ? 32 / ratio : 32))
        guard w > 0, h > 0 else { return nil }
        let nxStop = max(lx, hasAlpha ? 5 : 3)
        let nyStop = max(ly, hasAlpha ? 5 : 3)
        // Basis values per column and per row, with the reference's expression
        // cos(π / w · (x + 0.5) · cx) (note the order differs from the encoder's).
        var fxTable = [Double](repeating: 0, count: w * nxStop)
        for x in 0..<w {
            for cx in 0..<nxStop { fxTable[x * nxStop + cx] = referenceCos(Double.pi / Double(w) * (Double(x) + 0.5) * Double(cx)) }
        }
        var fy = [Double](repeating: 0, count: nyStop)
        var rgba = [UInt8](repeating: 0, count: w * h * 4)
        var i = 0
        for y in 0..<h {
            for cy in 0..<nyStop { fy[cy] = referenceCos(Double.pi / Double(h) * (Double(y) + 0.5) * Double(cy)) }
            for x in 0..<w {
                let fxBase = x * nxStop
                var l = header.lDC, p = header.pDC, q = header.qDC, a = header.aDC

                // Decode L.
                var j = 0
                for cy in 0..<ly {
                    var cx = cy > 0 ? 0 : 1
                    let fy2 = fy[cy] * 2
                    while cx * ly < lx * (ly - cy) {
                        l += lAC[j] * fxTable[fxBase + cx] * fy2
                        j += 1
                        cx += 1
                    }
                }

                // Decode P and Q.
                j = 0
                for cy in 0..<3 {
                    var cx = cy > 0 ? 0 : 1
                    let fy2 = fy[cy] * 2
                    while cx < 3 - cy {
                        let f = fxTable[fxBase + cx] * fy2
                        p += pAC[j] * f
                        q += qAC[j] * f
                        j += 1
                        cx += 1
                    }
                }

                // Decode A.
                if hasAlpha {
                    j = 0
                    for cy in 0..<5 {
                        var cx = cy > 0 ? 0 : 1
                        let fy2 = fy[cy] * 2
                        while cx < 5 - cy {
                            a += aAC[j] * fxTable[fxBase + cx] * fy2
                            j += 1
                            cx += 1
                        }
                    }
                }

                // Convert to RGB (the stores truncate, like the reference's Uint8Array).
                let b = l - 2 / 3 * p
                let r = (3 * l - b + q) / 2
                let g = r - q
                rgba[i] = toByte(r)
                rgba[i + 1] = toByte(g)
                rgba[i + 2] = toByte(b)
                rgba[i + 3] = toByte(a)
                i += 4
            }
        }
        return (w, h, rgba)
    }

    /// The average colour stored in a hash, without decoding the image.
    ///
    /// - Parameter hash: A ThumbHash.
    /// - Returns: Red, green, blue and alpha in `0...1` (straight alpha; alpha is 1 for an opaque
    ///   image), as the reference `thumbHashToAverageRGBA` computes them; or `nil` if the hash is
    ///   too short to hold its header.
    ///
    /// ```swift
    /// if let c = ThumbHash.averageColor(hash) { print(c.r, c.g, c.b, c.a) }
    /// ```
    public static func averageColor(_ hash: [UInt8]) -> (r: Double, g: Double, b: Double, a: Double)? {
        guard let header = Header(hash) else { return nil }
        let l = header.lDC, p = header.pDC, q = header.qDC
        let b = l - 2 / 3 * p
        let r = (3 * l - b + q) / 2
        let g = r - q
        return (max(0, min(1, r)), max(0, min(1, g)), max(0, min(1, b)), header.aDC)
    }

    /// The approximate aspect ratio (width / height) stored in a hash, without decoding it.
    ///
    /// The ratio is a quotient of the luminance coefficient counts, so it is coarse: 7∕7, 7∕6,
    /// 7∕5 … 7∕1 for opaque images (5∕5 … 5∕1 with alpha) and their inverses.
    ///
    /// - Parameter hash: A ThumbHash.
    /// - Returns: The ratio, as the reference `thumbHashToApproximateAspectRatio` computes it; or
    ///   `nil` if the hash is too short to hold its header or stores a zero coefficient count
    ///   (where the reference would return 0 or infinity).
    ///
    /// ```swift
    /// ThumbHash.approximateAspectRatio(hash)   // 1.4 for a 100×75 photo
    /// ```
    public static func approximateAspectRatio(_ hash: [UInt8]) -> Double? {
        Header(hash)?.aspectRatio
    }
}

// MARK: - Internals

extension ThumbHash {
    /// JavaScript's `Math.round`: the nearest integer, ties towards +∞ (Swift's `rounded()` sends
    /// negative ties away from zero). `x - floor(x)` is exact for the magnitudes used here.
    @inline(__always)
    static func jsRound(_ x: Double) -> Double {
        let down = x.rounded(.down)
        return x - down >= 0.5 ? down + 1 : down
    }

    /// `cos(x)` exactly as V8's `Math.cos` computes it: fdlibm's `s_cos.c`, `k_cos.c`, `k_sin.c`
    /// and the medium-size path of `e_rem_pio2.c` (V8 `src/base/ieee754.cc`), valid for
    /// |x| ≤ 2¹⁹·π/2 (the arguments here are below 7π). Checked against Node.js v20 for every
    /// argument the encoder and decoder use (w, h in 1...100, 7 frequencies): all 70,700 identical.
    ///
    /// fdlibm: Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved. Developed at
    /// SunPro, a Sun Microsystems, Inc. business. Permission to use, copy, modify, and distribute
    /// this software is freely granted, provided that this notice is preserved.
    static func referenceCos(_ x: Double) -> Double {
        let ix = highWord(x) & 0x7fff_ffff
        if ix <= 0x3fe9_21fb { return kernelCos(x, 0) }  // |x| ≤ π/4
        guard ix < 0x7ff0_0000, ix <= 0x4139_21fb else {
            return ix >= 0x7ff0_0000 ? x - x : cos(x)  // NaN/inf; huge arguments never occur here
        }
        let (n, y0, y1) = remPio2(x)
        switch n & 3 {
        case 0: return kernelCos(y0, y1)
        case 1: return -kernelSin(y0, y1)
        case 2: return -kernelCos(y0, y1)
        default: return kernelSin(y0, y1)
        }
    }

    @inline(__always)
    private static func highWord(_ x: Double) -> UInt32 {
        UInt32(truncatingIfNeeded: x.bitPattern >> 32)
    }

    /// fdlibm `__kernel_cos(x, y)` on [-π/4, π/4], y the tail of x.
    private static func kernelCos(_ x: Double, _ y: Double) -> Double {
        let c1 = 4.16666666666666019037e-02, c2 = -1.38888888888741095749e-03
        let c3 = 2.48015872894767294178e-05, c4 = -2.75573143513906633035e-07
        let c5 = 2.08757232129817482790e-09, c6 = -1.13596475577881948265e-11
        let ix = highWord(x) & 0x7fff_ffff
        if ix < 0x3e40_0000 { return 1 }  // |x| < 2⁻²⁷
        let z = x * x
        let r = z * (c1 + z * (c2 + z * (c3 + z * (c4 + z * (c5 + z * c6)))))
        if ix < 0x3fd3_3333 { return 1 - (0.5 * z - (z * r - x * y)) }  // |x| < 0.3
        let qx = ix > 0x3fe9_0000 ? 0.28125 : Double(bitPattern: UInt64(ix - 0x0020_0000) << 32)  // x/4
        let hz = 0.5 * z - qx
        let a = 1 - qx
        return a - (hz - (z * r - x * y))
    }

    /// fdlibm `__kernel_sin(x, y, 1)` on [-π/4, π/4], y the tail of x.
    private static func kernelSin(_ x: Double, _ y: Double) -> Double {
        let s1 = -1.66666666666666324348e-01, s2 = 8.33333333332248946124e-03
        let s3 = -1.98412698298579493134e-04, s4 = 2.75573137070700676789e-06
        let s5 = -2.50507602534068634195e-08, s6 = 1.58969099521155010221e-10
        let ix = highWord(x) & 0x7fff_ffff
        if ix < 0x3e40_0000 { return x }  // |x| < 2⁻²⁷
        let z = x * x
        let v = z * x
        let r = s2 + z * (s3 + z * (s4 + z * (s5 + z * s6)))
        return x - ((z * (0.5 * y - v * r) - y) - v * s1)
    }

    /// fdlibm `__ieee754_rem_pio2` for π/4 < |x| ≤ 2¹⁹·π/2: x = n·π/2 + (y0 + y1).
    private static func remPio2(_ x: Double) -> (n: Int, y0: Double, y1: Double) {
        let invpio2 = 6.36619772367581382433e-01
        let pio2_1 = 1.57079632673412561417e+00, pio2_1t = 6.07710050650619224932e-11
        let pio2_2 = 6.07710050630396597660e-11, pio2_2t = 2.02226624879595063154e-21
        let pio2_3 = 2.02226624871116645580e-21, pio2_3t = 8.47842766036889956997e-32
        let hx = highWord(x)
        let negative = hx >> 31 != 0
        let ix = hx & 0x7fff_ffff
        if ix < 0x4002_d97c {  // |x| < 3π/4: n = ±1
            if !negative {
                var z = x - pio2_1
                if ix != 0x3ff9_21fb {
                    let y0 = z - pio2_1t
                    return (1, y0, (z - y0) - pio2_1t)
                }
                z -= pio2_2
                let y0 = z - pio2_2t
                return (1, y0, (z - y0) - pio2_2t)
            } else {
                var z = x + pio2_1
                if ix != 0x3ff9_21fb {
                    let y0 = z + pio2_1t
                    return (-1, y0, (z - y0) + pio2_1t)
                }
                z += pio2_2
                let y0 = z + pio2_2t
                return (-1, y0, (z - y0) + pio2_2t)
            }
        }
        var t = abs(x)
        let n = Int(t * invpio2 + 0.5)
        let fn = Double(n)
        var r = t - fn * pio2_1
        var w = fn * pio2_1t  // first round, good to 85 bits
        var y0: Double
        if n < 32 && ix != npio2HighWords[n - 1] {
            y0 = r - w  // no cancellation
        } else {
            let j = Int(ix >> 20)
            y0 = r - w
            var i = j - Int((highWord(y0) >> 20) & 0x7ff)
            if i > 16 {  // second iteration, good to 118 bits
                t = r
                w = fn * pio2_2
                r = t - w
                w = fn * pio2_2t - ((t - r) - w)
                y0 = r - w
                i = j - Int((highWord(y0) >> 20) & 0x7ff)
                if i > 49 {  // third iteration, 151 bits
                    t = r
                    w = fn * pio2_3
                    r = t - w
                    w = fn * pio2_3t - ((t - r) - w)
                    y0 = r - w
                }
            }
        }
        let y1 = (r - y0) - w
        return negative ? (-n, -y0, -y1) : (n, y0, y1)
    }

    /// High words of n·π/2 for n in 1...32 (fdlibm `npio2_hw`).
    private static let npio2HighWords: [UInt32] = [
        0x3FF9_21FB, 0x4009_21FB, 0x4012_D97C, 0x4019_21FB, 0x401F_6A7A, 0x4022_D97C,
        0x4025_FDBB, 0x4029_21FB, 0x402C_463A, 0x402F_6A7A, 0x4031_475C, 0x4032_D97C,
        0x4034_6B9C, 0x4035_FDBB, 0x4037_8FDB, 0x4039_21FB, 0x403A_B41B, 0x403C_463A,
        0x403D_D85A, 0x403F_6A7A, 0x4040_7E4C, 0x4041_475C, 0x4042_106C, 0x4042_D97C,
        0x4043_A28C, 0x4044_6B9C, 0x4045_34AC, 0x4045_FDBB, 0x4046_C6CB, 0x4047_8FDB,
        0x4048_58EB, 0x4049_21FB,
    ]

    /// `max(0, 255 * min(1, v))` stored into a byte with truncation, as a `Uint8Array` does.
    @inline(__always)
    static func toByte(_ v: Double) -> UInt8 {
        let scaled = max(0, 255 * min(1, v))
        return scaled.isNaN ? 0 : UInt8(scaled)
    }

    /// The number of AC coefficients `(cx, cy) != (0, 0)` with `cx * ny < nx * (ny - cy)`: the
    /// 4-bit values a channel stores.
    static func triangleCount(_ nx: Int, _ ny: Int) -> Int {
        var count = 0
        for cy in 0..<ny {
            var cx = cy > 0 ? 0 : 1
            while cx * ny < nx * (ny - cy) {
                count += 1
                cx += 1
            }
        }
        return count
    }

    struct EncodedChannel {
        var dc: Double
        var ac: [Double]
        var scale: Double
    }

    struct Basis {
        var w: Int
        var h: Int
        /// `cosX[c * w + x]`, `cosY[c * h + y]`.
        var cosX: UnsafeBufferPointer<Double>
        var cosY: UnsafeBufferPointer<Double>
    }

    /// The reference `encodeChannel`: DC and normalised AC terms of one planar channel.
    static func encodeChannel(_ channel: UnsafeBufferPointer<Double>, nx: Int, ny: Int, basis: Basis) -> EncodedChannel {
        let w = basis.w, h = basis.h
        var dc = 0.0
        var ac: [Double] = []
        ac.reserveCapacity(nx * ny)
        var scale = 0.0
        for cy in 0..<ny {
            var cx = 0
            while cx * ny < nx * (ny - cy) {
                var f = 0.0
                let fxBase = cx * w
                for y in 0..<h {
                    let fy = basis.cosY[cy * h + y]
                    let row = y * w
                    for x in 0..<w {
                        f += channel[row + x] * basis.cosX[fxBase + x] * fy
                    }
                }
                f /= Double(w * h)
                if cx > 0 || cy > 0 {
                    ac.append(f)
                    scale = max(scale, abs(f))
                } else {
                    dc = f
                }
                cx += 1
            }
        }
        if scale > 0 {
            for i in ac.indices { ac[i] = 0.5 + 0.5 / scale * ac[i] }
        }
        return EncodedChannel(dc: dc, ac: ac, scale: scale)
    }

    /// The fixed fields of a hash (its first 5 bytes, 6 with alpha).
    struct Header {
        var lDC: Double, pDC: Double, qDC: Double, aDC: Double
        var lScale: Double, pScale: Double, qScale: Double, aScale: Double
        var hasAlpha: Bool
        var isLandscape: Bool
        /// Luminance coefficient counts as stored (before the decoder's `max(3, _)`).
        var lCountX: Int, lCountY: Int

        init?(_ hash: [UInt8]) {
            guard hash.count >= 5 else { return nil }
            let header24 = Int(hash[0]) | (Int(hash[1]) << 8) | (Int(hash[2]) << 16)
            let header16 = Int(hash[3]) | (Int(hash[4]) << 8)
            hasAlpha = (header24 >> 23) != 0
            guard !hasAlpha || hash.count >= 6 else { return nil }
            lDC = Double(header24 & 63) / 63
            pDC = Double((header24 >> 6) & 63) / 31.5 - 1
            qDC = Double((header24 >> 12) & 63) / 31.5 - 1
            lScale = Double((header24 >> 18) & 31) / 31
            pScale = Double((header16 >> 3) & 63) / 63
            qScale = Double((header16 >> 9) & 63) / 63
            isLandscape = (header16 >> 15) != 0
            let limit = hasAlpha ? 5 : 7
            lCountX = isLandscape ? limit : header16 & 7
            lCountY = isLandscape ? header16 & 7 : limit
            aDC = hasAlpha ? Double(hash[5] & 15) / 15 : 1
            aScale = hasAlpha ? Double(hash[5] >> 4) / 15 : 0
        }

        /// `lCountX / lCountY`, or nil for a zero count.
        var aspectRatio: Double? {
            guard lCountX > 0, lCountY > 0 else { return nil }
            return Double(lCountX) / Double(lCountY)
        }
    }
}
