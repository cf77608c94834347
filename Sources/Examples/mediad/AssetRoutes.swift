import Foundation
import HTTPTypes
import Hummingbird
import MediaStore
import NIOCore

/// `/api/assets...`: Immich's upload flow (bulk upload check, multipart upload), reading an
/// asset and its files, and editing and deleting assets.
struct AssetRoutes {
    let library: BlockingWork
    let maxUploadBytes: Int

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        // To the trash; with `force`, removed for good (the original goes once no asset refers
        // to it). Another user's ids are passed over.
        group.delete { request, context -> HTTPResponse.Status in
            let user = try context.requireUser()
            let delete = try await request.decode(as: AssetBulkDeleteRequest.self, context: context)
            let ids = try Self.uuids(delete.ids, "ids", AssetID.init)
            try await library.run { library in
                try library.trash(ids, owner: user.id)
                if delete.force == true { try library.purgeTrash(ids, owner: user.id) }
            }
            return .noContent
        }
        // Immich's bulk edit: every id must be the user's (else 404), every field valid (else
        // 400), before anything changes.
        group.put { request, context -> HTTPResponse.Status in
            let user = try context.requireUser()
            let update = try await request.decode(as: AssetUpdateRequest.self, context: context)
            guard let texts = update.ids else { throw ImmichError(.badRequest, "ids is required") }
            let ids = try Self.uuids(texts, "ids", AssetID.init)
            let changes = try update.changes()
            try await apply(changes, to: ids, user: user)
            return .noContent
        }
        group.put(":id") { request, context in
            let asset = try await asset(context)
            let user = try context.requireUser()
            let changes = try await request.decode(as: AssetUpdateRequest.self, context: context).changes()
            try await apply(changes, to: [asset.id], user: user)
            return try await response(asset.id, user: user)
        }
        group.post("bulk-upload-check") { request, context in
            let user = try context.requireUser()
            let check = try await request.decode(as: AssetBulkUploadCheckRequest.self, context: context)
            let found = try await library.run { try $0.assets(withSHA1: check.assets.map(\.checksum), owner: user.id) }
            return AssetBulkUploadCheckResponse(results: check.assets.map { item in
                if let asset = found[item.checksum] {
                    return .init(id: item.id, action: "reject", reason: "duplicate", assetId: asset.description, isTrashed: false)
                }
                return .init(id: item.id, action: "accept")
            })
        }
        group.post { request, context -> Response in
            let user = try context.requireUser()
            let checksum = HTTPField.Name("x-immich-checksum").flatMap { request.headers[$0] }
            let file = try await library.run { try $0.makeUploadFile() }
            let form: UploadForm
            do {
                form = try await UploadForm.read(request, into: file, limit: maxUploadBytes, blocking: library)
            } catch {
                unlink(file)
                throw error
            }
            let source = form.fields["deviceId"].flatMap { device in
                form.fields["deviceAssetId"].map { UploadSource(deviceID: device, deviceAssetID: $0) }
            }
            let info = UploadInfo(filename: form.fields["filename"] ?? form.filename ?? "",
                                  fileCreatedAt: form.fields["fileCreatedAt"].flatMap(Self.date),
                                  fileModifiedAt: form.fields["fileModifiedAt"].flatMap(Self.date), source: source)
            let outcome: UploadOutcome
            do {
                outcome = try await library.runImport { try $0.addUpload(at: file, info: info, owner: user.id, expectedSHA1: checksum) }
            } catch let error as MediaStoreError {
                throw ImmichError(error)
            }
            switch outcome {
            case .created(let id):
                return try AssetMediaResponse(id: id.description, status: "created").response(from: request, context: context, status: .created)
            case .duplicate(let id):
                return try AssetMediaResponse(id: id.description, status: "duplicate").response(from: request, context: context, status: .ok)
            }
        }
    }

    /// The user's asset named by the path's `id`; 404 when it does not exist or is someone else's.
    func asset(_ context: MediaRequestContext) async throws -> Asset {
        let user = try context.requireUser()
        guard let id = context.parameters.get("id").flatMap(AssetID.init),
              let asset = try await library.run({ try $0.asset(id, ownedBy: user.id) }) else {
            throw ImmichError(.notFound, "Asset not found")
        }
        return asset
    }

    func addReadRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get(":id") { _, context in
            let asset = try await asset(context)
            return try await response(asset.id, user: try context.requireUser())
        }
        group.get(":id/original") { request, context in
            let asset = try await asset(context)
            let path: String
            do {
                path = try await library.run { try $0.originalFile(of: asset) }
            } catch let error as MediaStoreError {
                throw ImmichError(error)
            }
            return try await ContentAddressedFile(path: path, etag: asset.hash.sha256, contentType: asset.metadata.mimeType,
                                                  size: Int(asset.size)).response(to: request, context: context)
        }
        group.get(":id/thumbnail") { request, context in
            let asset = try await asset(context)
            let size = request.uri.queryParameters.get("size") ?? "thumbnail"
            guard let kind = size == "preview" || size == "fullsize" ? DerivedFile.Kind.preview : size == "thumbnail" ? .thumbnail : nil else {
                throw ImmichError(.badRequest, "size must be thumbnail or preview")
            }
            let found = try await library.run { library -> (DerivedFile, String, Int)? in
                guard let file = try library.derivedFiles(of: asset.id).first(where: { $0.kind == kind && $0.status == .ready }),
                      let path = library.path(of: file),
                      let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return nil }
                return (file, path, size)
            }
            guard let (file, path, bytes) = found else { throw ImmichError(.notFound, "This asset has no \(size) image") }
            return try await ContentAddressedFile(path: path, etag: "\(asset.hash.sha256)-\(kind.rawValue)-\(file.width ?? 0)",
                                                  contentType: file.format?.mimeType ?? "application/octet-stream",
                                                  size: bytes).response(to: request, context: context)
        }
    }

    /// The asset as `GET /api/assets/{id}` answers it: with its upload source and tags.
    func response(_ id: AssetID, user: User) async throws -> AssetResponse {
        let found = try await library.run { library -> (Asset, UploadSource?, [String])? in
            guard let asset = try library.asset(id, ownedBy: user.id) else { return nil }
            return (asset, try library.uploadSource(of: id), try library.tags(of: id))
        }
        guard let (asset, source, tags) = found else { throw ImmichError(.notFound, "Asset not found") }
        return AssetResponse(asset, source: source, tags: tags.map { TagResponse(path: $0, owner: user) })
    }

    /// Applies checked changes to the user's assets: 404 (and nothing changed) when one of the
    /// ids is not theirs. The edits go first: the library checks them whole before it writes.
    func apply(_ changes: AssetUpdateRequest.Changes, to ids: [AssetID], user: User) async throws {
        try await library.run { library in
            for id in ids where try library.asset(id, ownedBy: user.id) == nil {
                throw ImmichError(.notFound, "Asset not found: \(id)")
            }
            if !changes.edits.isEmpty { try library.edit(ids, changes.edits, owner: user.id) }
            if let favorite = changes.isFavorite { try library.setFavorite(ids, favorite, owner: user.id) }
            if let visibility = changes.visibility { try library.setVisibility(ids, visibility, owner: user.id) }
        }
    }

    /// Ids as the request's UUIDs; 400 naming `field` for one that is not a UUID.
    static func uuids<ID>(_ texts: [String], _ field: String, _ make: (UUID) -> ID) throws -> [ID] {
        try texts.map { text in
            guard let uuid = UUID(uuidString: text) else { throw ImmichError(.badRequest, "\(field) must be UUIDs, not \(text)") }
            return make(uuid)
        }
    }

    /// An ISO 8601 date, with or without fractional seconds (Immich's clients send both).
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

extension ImmichError {
    /// A library error as the status Immich would answer: bad input 400, too large 413, a full
    /// disk 507, a missing thing 404, the rest 500.
    init(_ error: MediaStoreError) {
        switch error.code {
        case .invalidArgument, .integrity, .unsupportedFormat, .corrupt, .unreadable: self.init(.badRequest, error.message)
        case .notFound: self.init(.notFound, error.message)
        case .diskFull: self.init(.init(code: 507, reasonPhrase: "Insufficient Storage"), "The server's disk is full")
        default: self.init(.internalServerError, error.message)
        }
    }
}

extension ResponseEncodable {
    /// The JSON response with another status than 200.
    func response(from request: Request, context: some RequestContext, status: HTTPResponse.Status) throws -> Response {
        var response = try self.response(from: request, context: context)
        response.status = status
        return response
    }
}
