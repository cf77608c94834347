import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import MediaStore

/// Lets a request through only with a valid API key, in Immich's `x-api-key` header or as
/// `Authorization: Bearer <key>`, and records whose it is in the context.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = MediaRequestContext
    let library: BlockingWork

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = Self.secret(of: request) else {
            throw ImmichError(.unauthorized, "Authentication required")
        }
        guard let user = try await library.run({ try $0.authenticate(apiKey: secret) }) else {
            throw ImmichError(.unauthorized, "Invalid API key")
        }
        var context = context
        context.user = user
        context.logger[metadataKey: "user"] = .string(user.name)
        return try await next(request, context)
    }

    /// The cookie the web gallery's sign-in sets (HttpOnly, SameSite=Strict).
    static let cookie = "mediakit_key"

    /// The key a request carries, if any: the header, Bearer, or the gallery's cookie.
    static func secret(of request: Request) -> String? {
        if let name = HTTPField.Name("x-api-key"), let key = request.headers[name], !key.isEmpty { return key }
        if let key = request.cookies[Self.cookie]?.value, !key.isEmpty { return key }
        guard let authorization = request.headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }
}

/// An error answered the way Immich answers: `{"message":..,"error":..,"statusCode":..}`.
struct ImmichError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: any Sendable] = ["message": message, "error": status.reasonPhrase, "statusCode": status.code]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
