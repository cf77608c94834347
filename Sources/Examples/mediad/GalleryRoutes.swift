import Foundation
import HTTPTypes
import Hummingbird
import MediaStore
import NIOCore

/// The web gallery: its page, script and style at `/`, and the sign-in that turns an API key
/// into a cookie (so that `<img>` requests carry it): `POST /api/mediakit/session {"key":..}`,
/// `DELETE` to sign out, or `GET /login?key=..[&to=asset/ID]` (for a bookmark or a headless
/// browser).
struct GalleryRoutes {
    let library: BlockingWork

    /// The gallery's files, read once from the bundle.
    static let files: [String: (type: String, bytes: ByteBuffer)] = {
        var out: [String: (String, ByteBuffer)] = [:]
        for (name, type) in [("index.html", "text/html; charset=utf-8"), ("gallery.js", "text/javascript; charset=utf-8"),
                             ("gallery.css", "text/css; charset=utf-8")] {
            if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Gallery"),
               let data = try? Data(contentsOf: url) {
                out[name] = (type, ByteBuffer(bytes: data))
            }
        }
        return out
    }()

    func addRoutes(to router: Router<MediaRequestContext>) {
        for (path, name) in [("/", "index.html"), ("/gallery.js", "gallery.js"), ("/gallery.css", "gallery.css")] {
            router.get(RouterPath(path)) { _, _ -> Response in
                guard let file = Self.files[name] else { throw ImmichError(.internalServerError, "The gallery's \(name) is missing") }
                return Response(status: .ok, headers: [.contentType: file.type, .cacheControl: "no-cache"], body: .init(byteBuffer: file.bytes))
            }
        }
        router.post("api/mediakit/session") { request, context -> Response in
            let key = try await request.decode(as: SessionRequest.self, context: context).key
            guard try await library.run({ try $0.authenticate(apiKey: key) }) != nil else {
                throw ImmichError(.unauthorized, "Invalid API key")
            }
            return Response(status: .noContent, headers: [.setCookie: Self.cookie(key)])
        }
        router.delete("api/mediakit/session") { _, _ in
            Response(status: .noContent, headers: [.setCookie: Self.cookie("", maxAge: 0)])
        }
        router.get("login") { request, _ -> Response in
            guard let key = request.uri.queryParameters.get("key"),
                  try await library.run({ try $0.authenticate(apiKey: key) }) != nil else {
                throw ImmichError(.unauthorized, "Invalid API key")
            }
            // `to` is a page of the gallery (`/asset/ID`), kept as a fragment: never another site.
            let page = request.uri.queryParameters.get("to").map { String($0.filter { $0.isLetter || $0.isNumber || "/-=&._:".contains($0) }) }
            let target = page.map { "/#/" + $0.drop { $0 == "/" } } ?? "/"
            return Response(status: .seeOther, headers: [.setCookie: Self.cookie(key), .location: target])
        }
    }

    /// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it).
    static func cookie(_ key: String, maxAge: Int = 30 * 24 * 3600) -> String {
        "\(APIKeyMiddleware.cookie)=\(key); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
    }
}

/// `POST /api/mediakit/session`.
struct SessionRequest: Decodable {
    var key: String
}
