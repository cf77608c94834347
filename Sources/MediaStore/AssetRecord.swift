public import MediaCore
import Foundation

/// An asset as one line of JSON: the `media ls --json` contract, shared by other tools.
///
/// Keys: `id`, `sha256`, `filename`, `capturedAt` (the local time as `media metadata` prints it:
/// `YYYY-MM-DDTHH:MM:SS[.fff][±HH:MM]`), `width`, `height` (displayed), `format`, `size`;
/// unknown values are left out. ``detailedJSONLine()`` adds the rest of the catalog's fields
/// (the place as `city`, `region`, `country`, `countryCode`, `timeZone`; `favorite` as a boolean;
/// `tags` when given).
public struct AssetRecord: Sendable, Hashable {
    /// The asset.
    public var asset: Asset
    /// Its tag paths, for the detailed line (empty: left out).
    public var tags: [String]

    /// Wraps an asset.
    public init(_ asset: Asset, tags: [String] = []) {
        self.asset = asset
        self.tags = tags
    }

    /// The `ls` line (no trailing newline), keys in alphabetical order.
    public func jsonLine() -> String {
        var w = JSONLineWriter()
        fill(&w, detailed: false)
        return w.finish()
    }

    /// Every field the catalog holds, for `media show --json`.
    public func detailedJSONLine() -> String {
        var w = JSONLineWriter()
        fill(&w, detailed: true)
        return w.finish()
    }

    private func fill(_ w: inout JSONLineWriter, detailed: Bool) {
        let a = asset, m = asset.metadata
        if detailed {
            w.number("altitude", m.location?.altitude)
            w.string("capturedAtSource", m.capturedAt?.source)
            w.string("city", a.place?.city)
            w.string("country", a.place?.country)
            w.string("countryCode", a.place?.countryCode)
        }
        w.string("capturedAt", m.capturedAt?.text)
        if detailed {
            w.string("createdAt", a.createdAt.formatted(.iso8601))
            w.string("description", m.caption)
            w.number("duration", m.duration)
            w.number("exposureTime", m.exposureTime)
            if case .external(let path) = a.storage { w.string("externalPath", path) }
            w.number("fNumber", m.fNumber)
            w.bool("favorite", a.isFavorite)
            w.number("focalLength", m.focalLength)
        }
        w.string("filename", a.originalFilename)
        w.string("format", m.format.rawValue)
        w.integer("height", m.height)
        w.string("id", a.id.description)
        if detailed {
            w.integer("iso", m.iso)
            w.string("kind", a.kind.rawValue)
            w.number("latitude", m.location?.latitude)
            w.string("lens", m.lens)
            w.number("longitude", m.location?.longitude)
            w.string("make", m.make)
            w.string("mimeType", m.mimeType)
            w.string("model", m.model)
            w.integer("orientation", m.orientation)
            w.string("owner", a.ownerID.description)
            w.integer("rating", m.rating)
            w.string("region", a.place?.region)
            w.string("sha1", a.hash.sha1)
        }
        w.string("sha256", a.hash.sha256)
        w.integer("size", Int(a.size))
        if detailed {
            w.string("sourcePath", a.sourcePath)
            if !tags.isEmpty { w.strings("tags", tags) }
            w.string("timeZone", a.place?.timeZone)
            w.string("trashedAt", a.trashedAt?.formatted(.iso8601))
            w.string("visibility", a.visibility.rawValue)
            w.strings("warnings", m.warnings)
        }
        w.integer("width", m.width)
    }
}
