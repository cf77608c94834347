import Foundation

/// Reads a file's metadata: the seam between MediaKit and whatever parses files.
///
/// `StandardMetadataReader` is the default; a host may wrap it (to add a cache) or replace it.
public protocol MetadataReader: Sendable {
    /// Reads the metadata of the file at `path`.
    /// - Throws: `MediaCoreError` naming the file when it cannot be read at all; damage the
    ///   reader can work around becomes a warning in `MediaMetadata.warnings` instead.
    func read(path: String) throws(MediaCoreError) -> MediaMetadata
}

/// The native metadata reader: sniffs the format, finds the EXIF, XMP and QuickTime
/// payloads in the container, decodes EXIF with libexif, and merges it all.
///
/// It reads only the ranges it needs (headers, metadata segments, boxes), never whole
/// files, so a 4 GB video costs a few small reads.
///
/// ```swift
/// let reader = StandardMetadataReader()
/// let metadata = try reader.read(path: "/photos/IMG_5195.HEIC")
/// print(metadata.capturedAt?.text ?? "-", metadata.make ?? "-")
/// ```
public struct StandardMetadataReader: MetadataReader {
    /// Options of the reader, with documented defaults.
    public struct Configuration: Sendable, Hashable {
        /// Read XMP sidecars beside the file (`name.ext.xmp`, then `name.xmp`). Default `true`.
        public var readsSidecars: Bool = true
        /// With no date tag at all, use the earliest of the file's birth and modification
        /// times (in this machine's time zone). Default `true`.
        public var usesFileTimesAsFallback: Bool = true
        /// Creates the default configuration.
        public init() {}
    }

    /// The configuration in use.
    public let configuration: Configuration

    /// Creates a reader.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Reads the metadata of the file at `path`.
    /// - Throws: `MediaCoreError` `.notFound`, `.unreadable`, `.notAFile`, `.unsupportedFormat`,
    ///   or `.truncated`/`.corrupt` when not even the image size could be found.
    /// - Complexity: a handful of small reads, independent of the file size.
    public func read(path: String) throws(MediaCoreError) -> MediaMetadata {
        let source: FileByteSource
        do { source = try FileByteSource(path: path) } catch { throw error.at(path) }
        let mtime = source.modificationTime
        let fileTimes = { () -> [(String, Double)] in
            var times: [(String, Double)] = []
            if let birth = (try? FileManager.default.attributesOfItem(atPath: path))?[.creationDate] as? Date {
                times.append(("File:FileCreateDate", birth.timeIntervalSince1970))
            }
            if let mtime { times.append(("File:FileModifyDate", mtime)) }
            return times
        }
        let sidecars = configuration.readsSidecars ? XMPSidecar.find(for: path) : []
        do {
            return try read(source, sidecars: sidecars, fileTimes: fileTimes)
        } catch {
            throw error.at(path)
        }
    }

    /// Reads the metadata of bytes in memory (an upload, a test fixture, a fuzzer input).
    /// No sidecars and no file times are consulted.
    /// - Throws: `MediaCoreError` as `read(path:)`, without a path.
    public func read(bytes: [UInt8]) throws(MediaCoreError) -> MediaMetadata {
        try read(MemoryByteSource(bytes), sidecars: [], fileTimes: { [] })
    }

    func read(_ source: any ByteSource, sidecars: [[UInt8]], fileTimes: () -> [(String, Double)]) throws(MediaCoreError) -> MediaMetadata {
        let header = try source.read(at: 0, count: MediaFormat.sniffLength)
        guard !header.isEmpty else { throw MediaCoreError(.unsupportedFormat, "the file is empty") }
        guard let format = MediaFormat.sniff(header) else {
            throw MediaCoreError(.unsupportedFormat, "not a recognised image or video format (starts with \(hexPrefix(header)))")
        }
        let scan = try ContainerScanner.scan(source, format: format)
        return MetadataMerger(configuration: configuration).merge(scan, sidecars: sidecars, fileTimes: fileTimes)
    }

    private func hexPrefix(_ bytes: [UInt8]) -> String {
        bytes.prefix(8).map { b in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined(separator: " ")
    }
}
