import Foundation
import HTTPTypes
import Hummingbird
import MediaStore
import NIOCore

/// `/api/assets...`: Immich's upload flow (bulk upload check, multipart upload).
struct AssetRoutes {
    let library: BlockingWork
    let maxUploadBytes: Int

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
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
            let info = UploadInfo(filename: form.fields["filename"] ?? form.filename ?? "",
                                  fileCreatedAt: form.fields["fileCreatedAt"].flatMap(Self.date),
                                  fileModifiedAt: form.fields["fileModifiedAt"].flatMap(Self.date))
            let outcome: UploadOutcome
            do {
                outcome = try await library.run { try $0.addUpload(at: file, info: info, owner: user.id, expectedSHA1: checksum) }
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
