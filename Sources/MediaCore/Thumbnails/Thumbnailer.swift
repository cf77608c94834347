/// Makes the derived images of a photo: a preview for the viewer, a thumbnail for the grid,
/// the pixels of a ThumbHash placeholder and a small grayscale buffer for perceptual hashes,
/// all from one decode.
///
/// ```swift
/// let thumbnailer = try VipsThumbnailer()
/// let result = try thumbnailer.render(path: "IMG_0001.JPG", metadata: metadata)
/// try Data(result.preview.bytes).write(to: previewURL)   // JPEG, short edge 1440
/// ```
public protocol Thumbnailer: Sendable {
    /// Renders the derived images of the file at `path`.
    /// - Parameters:
    ///   - path: The original.
    ///   - metadata: What ``MetadataReader`` read from it (format, size, orientation).
    ///   - spec: Sizes and qualities.
    /// - Throws: `MediaCoreError.undecodable` naming the file when its pixels cannot be decoded.
    func render(path: String, metadata: MediaMetadata, spec: ThumbnailSpec) throws(MediaCoreError) -> RenderedImages
}

extension Thumbnailer {
    /// Renders with the default ``ThumbnailSpec``.
    public func render(path: String, metadata: MediaMetadata) throws(MediaCoreError) -> RenderedImages {
        try render(path: path, metadata: metadata, spec: ThumbnailSpec())
    }
}

/// Sizes and qualities of the derived images, with the defaults Immich's clients expect.
public struct ThumbnailSpec: Sendable, Hashable, Codable {
    /// Short edge of the preview, in pixels; never upscaled. Default 1440.
    public var previewShortEdge = 1440
    /// JPEG quality of the preview. Default 80.
    public var previewQuality = 80
    /// Short edge of the thumbnail, in pixels; never upscaled. Default 250.
    public var thumbnailShortEdge = 250
    /// WebP quality of the thumbnail. Default 80.
    public var thumbnailQuality = 80
    /// WebP encoder effort of the thumbnail, 0 (fastest) to 6 (smallest). Default 2: on a 333×250
    /// thumbnail it takes 3.5 ms where libwebp's default 4 takes 7.5 ms, for files 3 % larger.
    public var thumbnailEffort = 2
    /// Longest side of the RGBA pixels a ThumbHash is computed from (ThumbHash takes at most 100). Default 100.
    public var placeholderMaxSide = 100
    /// Side of the square grayscale buffer for perceptual hashes. Default 32.
    public var graySide = 32

    /// The defaults.
    public init() {}
}

/// An encoded derived image.
public struct EncodedImage: Sendable, Hashable {
    /// The file's bytes (JPEG or WebP), metadata stripped.
    public var bytes: [UInt8]
    /// Pixel width, upright.
    public var width: Int
    /// Pixel height, upright.
    public var height: Int
    /// `jpeg` or `webp`.
    public var format: MediaFormat

    /// Creates an encoded image.
    public init(bytes: [UInt8], width: Int, height: Int, format: MediaFormat) {
        self.bytes = bytes
        self.width = width
        self.height = height
        self.format = format
    }
}

/// Raw 8-bit pixels, row-major.
public struct PixelBuffer: Sendable, Hashable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Bytes per pixel: 1 (gray) or 4 (RGBA).
    public var channels: Int
    /// `width * height * channels` bytes.
    public var pixels: [UInt8]

    /// Creates a buffer.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

/// What one decode of a photo yields.
public struct RenderedImages: Sendable, Hashable {
    /// The viewer's image: JPEG, short edge ``ThumbnailSpec/previewShortEdge`` (or the original's when smaller).
    public var preview: EncodedImage
    /// The grid's image: WebP, short edge ``ThumbnailSpec/thumbnailShortEdge``, made from the preview.
    public var thumbnail: EncodedImage
    /// RGBA pixels of at most ``ThumbnailSpec/placeholderMaxSide`` per side.
    public var placeholder: PixelBuffer
    /// The ThumbHash of `placeholder` (about 25 bytes), for a placeholder painted before the thumbnail arrives.
    public var thumbhash: [UInt8]
    /// A ``ThumbnailSpec/graySide``-square grayscale buffer for perceptual hashing.
    public var gray: PixelBuffer

    /// Creates the images of one render (for ``Thumbnailer`` implementations of your own).
    public init(preview: EncodedImage, thumbnail: EncodedImage, placeholder: PixelBuffer, thumbhash: [UInt8], gray: PixelBuffer) {
        self.preview = preview
        self.thumbnail = thumbnail
        self.placeholder = placeholder
        self.thumbhash = thumbhash
        self.gray = gray
    }
}
