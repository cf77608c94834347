import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Logging
import MediaStore
import NIOPosix
import ServiceLifecycle

/// How `mediad` listens and what it accepts (flags and environment fill it in).
struct ServerConfiguration: Sendable {
    /// The address to listen on. Default 127.0.0.1.
    var host = "127.0.0.1"
    /// The port. Default 2283 (Immich's).
    var port = 2283
    /// The largest upload accepted, in bytes. Default 4 GiB.
    var maxUploadBytes = 4 << 30
    /// The log level. Default info.
    var logLevel = Logger.Level.info
    /// How often the expired trash is emptied (also once at startup). Default a day.
    var trashPurgeInterval = Duration.seconds(24 * 3600)
}

/// A request's context: who it is from, once the API key middleware has checked it.
struct MediaRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The user the request acts for (set by ``APIKeyMiddleware``).
    var user: User?

    init(source: Source) {
        coreContext = .init(source: source)
        user = nil
    }

    /// The authenticated user; routes behind ``APIKeyMiddleware`` always have one.
    func requireUser() throws -> User {
        guard let user else { throw ImmichError(.unauthorized, "Authentication required") }
        return user
    }
}

/// The application: the router with its middleware, listening where `configuration` says.
func buildApplication(library: Library, configuration: ServerConfiguration) throws -> some ApplicationProtocol {
    var logger = Logger(label: "mediad")
    logger.logLevel = configuration.logLevel
    let blocking = BlockingWork(library: library)
    let router = buildRouter(blocking, configuration: configuration)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "mediad"),
        services: [blocking, TrashPurger(library: blocking, interval: configuration.trashPurgeInterval, logger: logger)],
        logger: logger
    )
}

/// The routes: the gallery at `/`, and Immich's (`/api/...`, behind an API key but for ping,
/// version and media types) with MediaKit's own under `/api/mediakit`.
func buildRouter(_ blocking: BlockingWork, configuration: ServerConfiguration) -> Router<MediaRequestContext> {
    let router = Router(context: MediaRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.info))
    GalleryRoutes(library: blocking).addRoutes(to: router)
    ServerRoutes(library: blocking).addPublicRoutes(to: router.group("api/server"))
    let api = router.group("api").add(middleware: APIKeyMiddleware(library: blocking))
    ServerRoutes(library: blocking).addRoutes(to: api.group("server"))
    UserRoutes().addRoutes(to: api.group("users"))
    let assets = AssetRoutes(library: blocking, maxUploadBytes: configuration.maxUploadBytes)
    assets.addRoutes(to: api.group("assets"))
    assets.addReadRoutes(to: api.group("assets"))
    AlbumRoutes(library: blocking).addRoutes(to: api.group("albums"))
    TagRoutes(library: blocking).addRoutes(to: api.group("tags"))
    TrashRoutes(library: blocking).addRoutes(to: api.group("trash"))
    TimelineRoutes(library: blocking).addRoutes(to: api.group("timeline"))
    DuplicateRoutes(library: blocking).addRoutes(to: api.group("duplicates"))
    SearchRoutes(library: blocking).addRoutes(to: api.group("search"))
    NativeRoutes(library: blocking).addRoutes(to: api.group("mediakit"))
    return router
}

/// The library's calls are blocking (SQLite, libvips, files): they run on this server's own
/// thread pools, never on the event loops or Swift's cooperative pool. Uploads (a decode and
/// renders each, seconds for a big raw) have a pool of their own, one thread per core, so that
/// a burst of them never keeps the catalog reads behind the gallery and the API waiting. The
/// pools live as long as the application: it runs this as a service, which stops them when the
/// server shuts down.
struct BlockingWork: Service {
    let library: Library
    /// Catalog reads, small writes, file lookups.
    let reads: NIOThreadPool
    /// Uploads taken in: hashing, decoding, rendering, recording.
    let imports: NIOThreadPool

    init(library: Library) {
        self.library = library
        let cores = ProcessInfo.processInfo.activeProcessorCount
        reads = NIOThreadPool(numberOfThreads: max(2, cores))
        imports = NIOThreadPool(numberOfThreads: max(1, cores))
        reads.start()
        imports.start()
    }

    /// Runs a quick library call on the reads pool; a library error becomes the status Immich
    /// would answer (``ImmichError/init(_:)``).
    func run<T: Sendable>(_ body: @escaping @Sendable (Library) throws -> T) async throws -> T {
        let library = self.library
        do {
            return try await reads.runIfActive { try body(library) }
        } catch let error as MediaStoreError {
            throw ImmichError(error)
        }
    }

    /// Runs an upload's work on the imports pool.
    func runImport<T: Sendable>(_ body: @escaping @Sendable (Library) throws -> T) async throws -> T {
        let library = self.library
        return try await imports.runIfActive { try body(library) }
    }

    /// Waits for the server's shutdown, then stops the pools (work in flight finishes first).
    func run() async throws {
        try? await gracefulShutdown()
        try await reads.shutdownGracefully()
        try await imports.shutdownGracefully()
    }
}
