import Foundation
import Hummingbird
import Logging
import MediaStore
import ServiceLifecycle

/// `/api/trash...`: restore everything or some assets, or empty the trash for good (the
/// originals go once no asset refers to them). Each answers how many assets it acted on.
struct TrashRoutes {
    let library: BlockingWork

    func addRoutes(to group: RouterGroup<MediaRequestContext>) {
        group.post("restore") { _, context in
            let user = try context.requireUser()
            let count = try await library.run { library in
                try library.restore(library.trashedAssets(owner: user.id).map(\.id), owner: user.id).count
            }
            return TrashResponse(count: count)
        }
        group.post("restore/assets") { request, context in
            let user = try context.requireUser()
            let texts = try await request.decode(as: BulkIdsRequest.self, context: context).ids
            let ids = try AssetRoutes.uuids(texts, "ids", AssetID.init)
            let count = try await library.run { try $0.restore(ids, owner: user.id).count }
            return TrashResponse(count: count)
        }
        group.post("empty") { _, context in
            let user = try context.requireUser()
            let summary = try await library.run { try $0.purgeTrash(nil, owner: user.id) }
            return TrashResponse(count: summary.assets)
        }
    }
}

/// Empties the expired trash: at startup, then once a day (``ServerConfiguration/trashPurgeInterval``),
/// every owner's assets trashed longer ago than the library's `trashRetentionDays` go for good.
/// It logs what it removed; a failure is logged and tried again the next time.
struct TrashPurger: Service {
    let library: BlockingWork
    let interval: Duration
    let logger: Logger

    func run() async throws {
        repeat {
            do {
                let summary = try await library.run { try $0.purgeExpiredTrash() }
                let days = library.library.configuration.trashRetentionDays
                if summary.assets > 0 {
                    logger.info("Emptied the trash of \(summary.assets) assets older than \(days) days: \(summary.objects) originals, \(summary.bytes) bytes")
                } else {
                    logger.debug("No asset in the trash is older than \(days) days")
                }
            } catch {
                logger.error("Emptying the expired trash failed: \(error)")
            }
        } while (try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }) != nil
    }
}
