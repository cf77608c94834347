public import MediaCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options of ``Library/export(to:options:)``.
public struct ExportOptions: Sendable, Hashable {
    /// Where each original goes under the target folder. Tokens: `{yyyy}` `{yy}` `{MM}` `{dd}`
    /// `{HH}` `{mm}` `{ss}` (local capture time), `{filename}` (the original file name), `{name}`
    /// and `{ext}` (its parts), `{id}`, `{sha256}`, `{make}`, `{model}`, `{kind}`. Default
    /// `{yyyy}/{MM}/{filename}`.
    public var template: String = "{yyyy}/{MM}/{filename}"
    /// Write an XMP sidecar (`name.ext.xmp`) beside each original holding its catalog metadata.
    /// Default `true`.
    public var writesSidecars: Bool = true
    /// Whose assets; `nil` for the library's ``Library/defaultOwner``.
    public var owner: UserID?
    /// Include assets in the trash. Default `false`.
    public var includesTrashed: Bool = false

    /// The defaults.
    public init() {}
}

/// What ``Library/export(to:options:)`` did.
public struct ExportSummary: Sendable, Hashable, Codable {
    /// Originals written (linked or copied).
    public var exported = 0
    /// Of those, hard links (no bytes copied).
    public var linked = 0
    /// Originals already at their place from an earlier export of the same asset.
    public var unchanged = 0
    /// Originals whose target name was taken and which got a ` (n)` suffix.
    public var renamed = 0
    /// Sidecars written.
    public var sidecars = 0
    /// Originals that could not be exported, with the reasons.
    public var failures: [String] = []

    /// An empty summary.
    public init() {}
}

extension Library {
    /// Writes the originals as an ordinary folder tree that needs nothing of MediaKit: hard links
    /// when the target is on the library's file system (no space used), copies otherwise; name
    /// collisions get a ` (n)` suffix; an XMP sidecar per asset holds what the catalog knows
    /// (dates, place, camera, rating, description, id and hash) in the standard namespaces that
    /// digiKam, darktable, Lightroom and exiftool read.
    ///
    /// Running it again over the same folder adds only what is new.
    ///
    /// ```swift
    /// var options = ExportOptions()
    /// options.template = "{yyyy}/{yyyy}-{MM}-{dd}/{filename}"
    /// let summary = try await library.export(to: "/mnt/backup/photos", options: options)
    /// ```
    /// - Throws: `MediaStoreError.invalidArgument` for a template that is absolute or climbs out
    ///   of the target (`..`); `.writeFailed` when the target folder cannot be created.
    public func export(to target: String, options: ExportOptions = ExportOptions()) async throws(MediaStoreError) -> ExportSummary {
        let root = Library.absolute(target)
        let template = try ExportTemplate(options.template)
        try Posix.makeDirectory(root)
        let owner = (options.owner ?? defaultOwner)
        var summary = ExportSummary()
        var failure: MediaStoreError?
        do {
            try forEachAsset { asset in
                guard asset.ownerID == owner, options.includesTrashed || asset.trashedAt == nil else { return true }
                do throws(MediaStoreError) {
                    try exportOne(asset, root: root, template: template, options: options, summary: &summary)
                } catch where error.code == .diskFull {
                    failure = error
                    return false
                } catch {
                    summary.failures.append(error.description)
                }
                return true
            }
        } catch let error as MediaStoreError {
            throw error
        } catch {
            throw MediaStoreError(.catalog, "listing the assets failed", underlying: "\(error)")
        }
        if let failure { throw failure }
        return summary
    }

    private func exportOne(_ asset: Asset, root: String, template: ExportTemplate, options: ExportOptions,
                           summary: inout ExportSummary) throws(MediaStoreError) {
        let source = try originalPath(of: asset)
        let relative = template.render(asset)
        var target = root + "/" + relative
        try Posix.makeDirectory((target as NSString).deletingLastPathComponent)
        var n = 1
        while let existing = Posix.fileInfo(target) {
            if existing.size == asset.size, Posix.sameFile(target, source) || ((try? Posix.hashFile(target).0.sha256) == asset.hash.sha256) {
                summary.unchanged += 1
                try writeSidecar(asset, next: target, options: options, summary: &summary)
                return
            }
            let name = (relative as NSString).deletingPathExtension
            let ext = (relative as NSString).pathExtension
            target = root + "/" + name + " (\(n))" + (ext.isEmpty ? "" : "." + ext)
            n += 1
            if n == 2 { summary.renamed += 1 }
        }
        if link(source, target) == 0 {
            summary.linked += 1
        } else {
            try Posix.copyFile(source, to: target)
        }
        summary.exported += 1
        try writeSidecar(asset, next: target, options: options, summary: &summary)
    }

    private func writeSidecar(_ asset: Asset, next target: String, options: ExportOptions, summary: inout ExportSummary) throws(MediaStoreError) {
        guard options.writesSidecars else { return }
        let tags = try catalog.tagPaths(of: [asset.id])[asset.id] ?? []
        do {
            try XMPWriter.write(Library.sidecarContent(asset, tags: tags), to: target + ".xmp")
            summary.sidecars += 1
        } catch {
            throw MediaStoreError(error)
        }
    }

    /// The catalog's knowledge of an asset as XMP properties: what its file says, the edits by
    /// hand (already in `asset`), its tags and its place.
    static func sidecarContent(_ asset: Asset, tags: [String]) -> XMPSidecarContent {
        var content = XMPSidecarContent(metadata: asset.metadata)
        content.tags = tags
        if let place = asset.place {
            content.extra["City"] = place.city
            if let region = place.region { content.extra["Region"] = region }
            content.extra["Country"] = place.country
            content.extra["CountryCode"] = place.countryCode
        }
        content.isFavorite = asset.isFavorite
        content.extra["AssetID"] = asset.id.description
        content.extra["SHA256"] = asset.hash.sha256
        content.extra["SHA1"] = asset.hash.sha1
        content.extra["OriginalFilename"] = asset.originalFilename
        content.extra["Visibility"] = asset.visibility.rawValue
        if let source = asset.metadata.capturedAt?.source { content.extra["CapturedAtSource"] = source }
        return content
    }
}

/// A parsed export template.
struct ExportTemplate {
    let text: String

    init(_ text: String) throws(MediaStoreError) {
        guard !text.isEmpty, !text.hasPrefix("/") else {
            throw MediaStoreError(.invalidArgument, "the export template must be a relative path: '\(text)'")
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            throw MediaStoreError(.invalidArgument, "the export template may not contain empty, '.' or '..' parts: '\(text)'")
        }
        guard text.contains("{filename}") || text.contains("{name}") || text.contains("{id}") || text.contains("{sha256}") else {
            throw MediaStoreError(.invalidArgument, "the export template needs {filename}, {name}, {id} or {sha256} to tell files apart: '\(text)'")
        }
        self.text = text
    }

    /// The relative path of `asset`; every substituted value is made safe as one path component.
    func render(_ asset: Asset) -> String {
        let local = asset.metadata.capturedAt?.local
        func two(_ v: Int?) -> String { v.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let filename = Self.safe(asset.originalFilename)
        let ext = (filename as NSString).pathExtension
        let name = (filename as NSString).deletingPathExtension
        let values: [String: String] = [
            "yyyy": local.map { String(format: "%04d", $0.year) } ?? "undated",
            "yy": local.map { two($0.year % 100) } ?? "undated",
            "MM": two(local?.month), "dd": two(local?.day), "HH": two(local?.hour), "mm": two(local?.minute), "ss": two(local?.second),
            "filename": filename, "name": name.isEmpty ? "_" : name, "ext": ext,
            "id": asset.id.description, "sha256": asset.hash.sha256,
            "make": Self.safe(asset.metadata.make ?? "unknown"), "model": Self.safe(asset.metadata.model ?? "unknown"),
            "kind": asset.kind.rawValue,
        ]
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let key = String(rest[rest.index(after: open)..<close])
            out += values[key] ?? Self.safe(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// One path component: no `/`, no NUL or control characters, not `.` or `..`, not empty.
    static func safe(_ value: String) -> String {
        var cleaned = String(value.unicodeScalars.map { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F ? "_" : Character($0) })
        cleaned = cleaned.trimmingCharacters(in: .whitespaces)
        if cleaned.isEmpty || cleaned == "." || cleaned == ".." { return "_" }
        if cleaned.hasPrefix(".") { cleaned = "_" + cleaned.dropFirst() }
        return String(cleaned.prefix(200))
    }
}
