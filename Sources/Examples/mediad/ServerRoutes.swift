import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import MediaStore

/// `/api/server/...`: ping, version and media types (public, as in Immich), and about.
struct ServerRoutes {
    let library: BlockingWork

    /// The Immich version whose API this subset follows (the version the `immich` 1.7 client targets).
    static let immichVersion = (major: 2, minor: 4, patch: 1)

    /// Public as in Immich (its clients call them without a key): ping, version, media types.
    func addPublicRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get("ping") { _, _ in ServerPingResponse(res: "pong") }
        group.get("version") { _, _ in
            ServerVersionResponse(major: Self.immichVersion.major, minor: Self.immichVersion.minor, patch: Self.immichVersion.patch)
        }
        group.get("media-types") { _, _ in
            ServerMediaTypesResponse(image: MediaFileTypes.images.map { "." + $0 }, sidecar: MediaFileTypes.sidecars.map { "." + $0 },
                                     video: MediaFileTypes.videos.map { "." + $0 })
        }
    }

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get("about") { _, _ in
            let v = Self.immichVersion
            return ServerAboutResponse(version: "v\(v.major).\(v.minor).\(v.patch)", versionUrl: "https://github.com/immich-app/immich/releases",
                                       licensed: false, repository: "MediaKit mediad")
        }
    }
}

/// `/api/users/...`: who the key belongs to.
struct UserRoutes {
    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.get("me") { _, context in UserAdminResponse(try context.requireUser()) }
    }
}
