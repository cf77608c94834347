public import MediaCore
import Foundation

/// XMP sidecars: the plain-file copy of what the catalog knows about each edited asset, in the
/// namespaces digiKam, darktable, Lightroom and exiftool read, under `sidecars/` in the
/// library (the originals are never written). `media export` writes the same content beside
/// each exported original.
extension Library {
    /// Where an asset's sidecar lives: `sidecars/<last two hex digits of the id>/<id>.xmp`.
    public func sidecarPath(of asset: AssetID) -> String {
        let id = asset.description
        return path + "/sidecars/" + id.suffix(2) + "/" + id + ".xmp"
    }

    /// Writes (atomically) the sidecars of these assets from the catalog.
    /// - Throws: `MediaStoreError` naming the sidecar when one cannot be written (a full disk):
    ///   the catalog already holds the change, and the next change or `media sidecars` writes it.
    func writeSidecars(_ ids: [AssetID]) throws(MediaStoreError) {
        guard !ids.isEmpty else { return }
        let tags = try catalog.tagPaths(of: ids)
        for asset in try catalog.assets(ids) {
            let target = sidecarPath(of: asset.id)
            try Posix.makeDirectory((target as NSString).deletingLastPathComponent)
            do throws(MediaCoreError) {
                try XMPWriter.write(Library.sidecarContent(asset, tags: tags[asset.id] ?? []), to: target)
            } catch {
                throw MediaStoreError(error)
            }
        }
    }

    /// Writes the sidecar of every one of the owner's assets that has an edit, a tag, a favourite
    /// mark or a visibility other than the timeline (after the `sidecars/` folder was lost).
    /// - Returns: How many were written.
    @discardableResult
    public func rewriteSidecars(owner: UserID? = nil) throws(MediaStoreError) -> Int {
        let ids = try catalog.organisedAssetIDs(owner: owner ?? defaultOwner)
        var start = 0
        while start < ids.count {
            try writeSidecars(Array(ids[start..<min(ids.count, start + 500)]))
            start += 500
        }
        return ids.count
    }
}
