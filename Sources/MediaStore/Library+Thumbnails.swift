public import MediaCore
import MediaML
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Library {
    /// The library's thumbnailer (libvips, loaded on first use).
    /// - Throws: `MediaCoreError.undecodable` when libvips cannot be loaded.
    public func thumbnailer() throws(MediaCoreError) -> any Thumbnailer {
        try VipsThumbnailer()
    }

    /// The derived files recorded for an asset (ready, failed or unsupported).
    public func derivedFiles(of asset: AssetID) throws(MediaStoreError) -> [DerivedFile] {
        try catalog.derivedFiles(of: asset)
    }

    /// The absolute path of a ready derived file.
    public func path(of file: DerivedFile) -> String? {
        file.path.map { path + "/" + $0 }
    }

    /// Renders and writes the preview and thumbnail of one original; a failure becomes a
    /// `failed` record with the reason (the import goes on), a video an `unsupported` one.
    /// - Returns: The records, the ThumbHash and perceptual hashes when the original was decoded,
    ///   and the first error writing a derived file (also in its record), which is not the
    ///   original's fault.
    func makeDerivedFiles(path source: String, metadata: MediaMetadata, sha256: String,
                          thumbnailer: Result<any Thumbnailer, MediaCoreError>,
                          spec: ThumbnailSpec) -> DerivedImages {
        func all(_ status: DerivedFile.Status, _ reason: String) -> [DerivedFile] {
            DerivedFile.Kind.allCases.map { DerivedFile(kind: $0, status: status, error: reason) }
        }
        if metadata.format.kind == .video {
            return DerivedImages(files: all(.unsupported, "no preview for videos yet: no frame decoder is available"))
        }
        let rendered: RenderedImages
        do {
            rendered = try thumbnailer.get().render(path: source, metadata: metadata, spec: spec)
        } catch {
            return DerivedImages(files: all(.failed, error.description))
        }
        let shard = FileSystemBlobStore.shard(sha256)
        var files: [DerivedFile] = []
        var writeError: MediaStoreError?
        for (kind, image, ext) in [(DerivedFile.Kind.preview, rendered.preview, "jpg"), (.thumbnail, rendered.thumbnail, "webp")] {
            let relative = "thumbs/\(shard)/\(sha256)-\(min(image.width, image.height)).\(ext)"
            do throws(MediaStoreError) {
                try writeDerived(image.bytes, to: relative)
                files.append(DerivedFile(kind: kind, status: .ready, path: relative, format: image.format,
                                         width: image.width, height: image.height, size: Int64(image.bytes.count)))
            } catch {
                files.append(DerivedFile(kind: kind, status: .failed, error: error.description))
                if writeError == nil { writeError = error }
            }
        }
        let provider = ColorTextureDescriptor()
        return DerivedImages(files: files, thumbhash: rendered.thumbhash,
                             perceptual: try? PerceptualHash(gray: rendered.gray),
                             embedding: (try? provider.embed(rendered)).map { Embedding(provider: provider.name, vector: $0) },
                             writeError: writeError)
    }

    /// Whether an asset's preview and thumbnail are both recorded `ready`, their files are on
    /// disk, and it has a ThumbHash.
    func hasReadyDerivedFiles(_ asset: Asset, _ files: [DerivedFile]) -> Bool {
        asset.thumbhash != nil && DerivedFile.Kind.allCases.allSatisfy { kind in
            files.contains { $0.kind == kind && $0.status == .ready && path(of: $0).map { access($0, F_OK) == 0 } == true }
        }
    }

    /// Where an asset's original can be read: its object in ``blobs``, or its external path
    /// (which may have gone missing since; the caller checks).
    /// - Throws: `MediaStoreError.notFound` when the library has no local copy of the object.
    func originalPath(of asset: Asset) throws(MediaStoreError) -> String {
        switch asset.storage {
        case .external(let path):
            return path
        case .managed:
            guard let local = blobs.localPath(of: asset.hash.sha256) else {
                throw MediaStoreError(.notFound, "the original is missing from the library", assetID: asset.id)
            }
            return local
        }
    }

    /// Writes a derived file atomically (staging file, fsync, rename). Derived files can be made
    /// again, so their folders are not synced.
    func writeDerived(_ bytes: [UInt8], to relative: String) throws(MediaStoreError) {
        let target = path + "/" + relative
        try Posix.makeDirectory((target as NSString).deletingLastPathComponent)
        try Posix.writeFile(bytes, to: target, staging: path + "/tmp/\(getpid())-\(UInt64.random(in: 0...UInt64.max)).part")
    }
}

/// What ``Library/makeDerivedFiles(path:metadata:sha256:thumbnailer:spec:)`` made of one original.
struct DerivedImages {
    /// The preview's and thumbnail's records (ready, failed or unsupported).
    var files: [DerivedFile]
    /// The ThumbHash, when the original was decoded.
    var thumbhash: [UInt8]?
    /// The pHash and dHash of the render's gray buffer, when the original was decoded.
    var perceptual: PerceptualHash?
    /// The built-in descriptor's vector, when the original was decoded.
    var embedding: Embedding?
    /// The first error writing a derived file.
    var writeError: MediaStoreError?
}
