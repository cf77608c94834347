import Foundation
import HTTPTypes
import Hummingbird
import MediaStore
import MultipartKit
import NIOCore
import NIOPosix

/// Reads an upload's `multipart/form-data` body as it arrives: the `assetData` part is written
/// to a staging file in pieces, never held whole; the other fields (small) are kept as text.
/// A body that ends before its closing boundary, a file part past the size limit, or a field
/// past 64 KiB is refused.
struct UploadForm {
    /// The form's text fields (deviceAssetId, deviceId, fileCreatedAt, ...).
    var fields: [String: String] = [:]
    /// The file part's name as the client sent it (`Content-Disposition: ...; filename=`).
    var filename: String?
    /// Bytes written to the staging file.
    var size = 0

    static let fieldLimit = 64 << 10

    /// Streams `request`'s body into `file` (made by ``Library/makeUploadFile()``).
    static func read(_ request: Request, into file: String, limit: Int, blocking: BlockingWork) async throws -> UploadForm {
        guard let type = request.headers[.contentType], let boundary = Self.boundary(type) else {
            throw ImmichError(.badRequest, "The body must be multipart/form-data with a boundary")
        }
        guard let handle = FileHandle(forWritingAtPath: file) else {
            throw ImmichError(.internalServerError, "Cannot write the upload")
        }
        defer { try? handle.close() }
        let parser = MultipartParser(boundary: boundary)
        var form = UploadForm()
        var headers: [String: String] = [:]
        var field = ByteBuffer()
        var pending = ByteBuffer()
        var inFile = false, sawFile = false
        var failure: ImmichError?
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in
            guard failure == nil else { return }
            let disposition = headers["content-disposition"] ?? ""
            if Self.parameter("name", in: disposition) == "assetData" {
                inFile = true
                form.size += buffer.readableBytes
                if form.size > limit { failure = ImmichError(.contentTooLarge, "The file is larger than this server takes (\(limit >> 20) MiB)") }
                pending.writeBuffer(&buffer)
            } else {
                field.writeBuffer(&buffer)
                if field.readableBytes > Self.fieldLimit { failure = ImmichError(.contentTooLarge, "A form field is larger than 64 KiB") }
            }
        }
        parser.onPartComplete = {
            let disposition = headers["content-disposition"] ?? ""
            if let name = Self.parameter("name", in: disposition) {
                if name == "assetData" {
                    sawFile = true
                    form.filename = Self.parameter("filename", in: disposition)
                } else {
                    form.fields[name] = field.readString(length: field.readableBytes) ?? ""
                }
            }
            inFile = false
            field.clear()
            headers = [:]
        }
        for try await chunk in request.body {
            try parser.execute(chunk)
            if let failure { throw failure }
            if pending.readableBytes >= 1 << 20 || (!inFile && pending.readableBytes > 0) {
                let bytes = pending
                pending.clear()
                try await blocking.write(bytes, to: handle)
            }
        }
        if pending.readableBytes > 0 { try await blocking.write(pending, to: handle) }
        guard sawFile, !inFile else { throw ImmichError(.badRequest, inFile ? "The upload ended early" : "The form has no assetData file") }
        return form
    }

    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        return parameter("boundary", in: contentType)
    }

    /// A `name=value` or `name="value"` parameter of a header value.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let parts = piece.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = parts[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}

extension BlockingWork {
    /// Writes bytes to a file on the reads pool (quick, and never behind a decode).
    func write(_ buffer: ByteBuffer, to handle: FileHandle) async throws {
        try await reads.runIfActive {
            try handle.write(contentsOf: Data(buffer.readableBytesView))
        }
    }
}
