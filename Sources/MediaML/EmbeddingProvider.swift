public import MediaCore

/// Turns a rendered photo into a vector for "more like this": photos whose vectors are near
/// (cosine) look alike. The seam for a CLIP-class or face model, where one is available offline;
/// ``ColorTextureDescriptor`` needs none.
public protocol EmbeddingProvider: Sendable {
    /// A stable name for the vectors it makes (stored with them: vectors of different providers
    /// are never compared).
    var name: String { get }
    /// Length of its vectors.
    var dimension: Int { get }
    /// The vector of one photo, from what the thumbnailer's single decode made.
    /// - Throws: `MediaCoreError.undecodable` when the images are unusable (empty buffers).
    func embed(_ images: RenderedImages) throws(MediaCoreError) -> [Float]
}

/// A model-free descriptor of how a photo looks, from the placeholder pixels (at most 100×100
/// RGBA) and the 32×32 gray buffer of ``RenderedImages``:
/// - colour: a joint hue × saturation × value histogram (8 × 3 × 3 bins, gray pixels in their
///   own 3 value bins), square-rooted (Hellinger), 75 values;
/// - layout: the mean colour of a 4 × 4 grid, 48 values;
/// - texture: histograms of gradient orientation (8 bins, weighted by magnitude) in the four
///   quadrants of the gray buffer, 32 values.
/// Each part is normalised to unit length and weighted (colour 0.5, layout 0.3, texture 0.2,
/// by square root), and the whole vector is unit length: compare with cosine.
public struct ColorTextureDescriptor: EmbeddingProvider {
    public var name: String { "color-texture-v1" }
    public var dimension: Int { 75 + 48 + 32 }

    /// The descriptor.
    public init() {}

    public func embed(_ images: RenderedImages) throws(MediaCoreError) -> [Float] {
        let p = images.placeholder, g = images.gray
        guard p.channels == 4, p.width > 0, p.height > 0, p.pixels.count == p.width * p.height * 4,
              g.channels == 1, g.width >= 4, g.height >= 4, g.pixels.count == g.width * g.height else {
            throw MediaCoreError(.undecodable, "the descriptor needs RGBA placeholder pixels and a gray buffer")
        }
        var colour = [Double](repeating: 0, count: 75)
        var layout = [Double](repeating: 0, count: 48)
        var cells = [Double](repeating: 0, count: 16)
        for y in 0..<p.height {
            for x in 0..<p.width {
                let i = (y * p.width + x) * 4
                let r = Double(p.pixels[i]) / 255, gr = Double(p.pixels[i + 1]) / 255, b = Double(p.pixels[i + 2]) / 255
                colour[Self.colourBin(r, gr, b)] += 1
                let cell = (y * 4 / p.height) * 4 + x * 4 / p.width
                layout[cell * 3] += r
                layout[cell * 3 + 1] += gr
                layout[cell * 3 + 2] += b
                cells[cell] += 1
            }
        }
        colour = colour.map { $0.squareRoot() }
        for c in 0..<16 where cells[c] > 0 { for k in 0..<3 { layout[c * 3 + k] /= cells[c] } }
        let texture = Self.orientationHistograms(g)
        func unit(_ v: [Double], _ weight: Double) -> [Double] {
            let n = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return n > 0 ? v.map { $0 / n * weight.squareRoot() } : v
        }
        // A part may be all zero (no texture in a flat picture): the whole is normalised again.
        return unit(unit(colour, 0.5) + unit(layout, 0.3) + unit(texture, 0.2), 1).map { Float($0) }
    }

    /// Hue (8) × saturation (3) × value (3) for coloured pixels, then 3 value bins for grays.
    static func colourBin(_ r: Double, _ g: Double, _ b: Double) -> Int {
        let maxC = max(r, g, b), minC = min(r, g, b), delta = maxC - minC
        let value = min(2, Int(maxC * 3))
        let saturation = maxC > 0 ? delta / maxC : 0
        guard saturation >= 0.15, delta > 0.05 else { return 72 + value }
        var hue: Double
        if maxC == r { hue = (g - b) / delta } else if maxC == g { hue = 2 + (b - r) / delta } else { hue = 4 + (r - g) / delta }
        hue = (hue < 0 ? hue + 6 : hue) / 6
        let h = min(7, Int(hue * 8)), s = min(2, Int(saturation * 3))
        return (h * 3 + s) * 3 + value
    }

    /// Gradient orientation histograms (8 bins over 0..<π, magnitude-weighted) per quadrant.
    static func orientationHistograms(_ g: PixelBuffer) -> [Double] {
        var out = [Double](repeating: 0, count: 32)
        for y in 1..<(g.height - 1) {
            for x in 1..<(g.width - 1) {
                let dx = Double(g.pixels[y * g.width + x + 1]) - Double(g.pixels[y * g.width + x - 1])
                let dy = Double(g.pixels[(y + 1) * g.width + x]) - Double(g.pixels[(y - 1) * g.width + x])
                let magnitude = (dx * dx + dy * dy).squareRoot()
                guard magnitude > 0 else { continue }
                var angle = atan2(dy, dx)
                if angle < 0 { angle += Double.pi }
                let bin = min(7, Int(angle / Double.pi * 8))
                let quadrant = (y * 2 / g.height) * 2 + x * 2 / g.width
                out[quadrant * 8 + bin] += magnitude
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
