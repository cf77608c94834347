import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Files served from the library: content-addressed, so their ETag is their hash and they may
/// be cached forever; `Range` requests answered (206, or 416 for a range outside the file).
struct ContentAddressedFile {
    let path: String
    let etag: String
    let contentType: String
    let size: Int

    static let immutable = "private, max-age=31536000, immutable"

    func response(to request: Request, context: some RequestContext) async throws -> Response {
        var headers: HTTPFields = [.eTag: "\"\(etag)\"", .cacheControl: Self.immutable, .contentType: contentType,
                                   .acceptRanges: "bytes"]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let tag = $0.trimmingCharacters(in: .whitespaces)
            return tag == "\"\(etag)\"" || tag == "W/\"\(etag)\"" || tag == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        if let header = request.headers[.range] {
            guard let range = Self.byteRange(header, size: size) else {
                headers[.contentRange] = "bytes */\(size)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
            headers[.contentLength] = String(range.count)
            let body = try await FileIO().loadFile(path: path, range: range, context: context)
            return Response(status: .partialContent, headers: headers, body: body)
        }
        headers[.contentLength] = String(size)
        return Response(status: .ok, headers: headers, body: try await FileIO().loadFile(path: path, context: context))
    }

    /// One `bytes=a-b`, `bytes=a-` or `bytes=-n` range within `size` bytes (several ranges are
    /// answered with the first).
    static func byteRange(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard header.hasPrefix("bytes="), size > 0 else { return nil }
        let first = header.dropFirst(6).split(separator: ",").first.map(String.init) ?? ""
        let parts = first.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let suffix = Int(parts[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(parts[0]), start < size else { return nil }
        let end = parts[1].isEmpty ? size - 1 : min(size - 1, Int(parts[1]) ?? -1)
        return end >= start ? start...end : nil
    }
}
