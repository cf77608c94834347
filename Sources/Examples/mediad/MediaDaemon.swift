import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MediaStore

/// `mediad --library DIR [--host 127.0.0.1] [--port 2283]`: the part of Immich's API its apps
/// and tools use, over a MediaKit library, and a web gallery. Flags win over the environment
/// (`MEDIAKIT_LIBRARY`, `MEDIAD_HOST`, `MEDIAD_PORT`, `MEDIAD_MAX_UPLOAD_MB`, `MEDIAD_LOG_LEVEL`,
/// `MEDIAD_TRASH_DAYS`). The trash older than `--trash-days` is emptied at startup and daily.
/// SIGTERM or SIGINT stops it gracefully: requests in flight finish first.
@main
struct MediaDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mediad",
        abstract: "Serve a MediaKit library over Immich's API and a web gallery.",
        discussion: "Make a key for clients first: media key create --library DIR"
    )

    @Option(help: "The library folder (default: $MEDIAKIT_LIBRARY, else ~/MediaKit).")
    var library: String?

    @Option(help: "The address to listen on (default: $MEDIAD_HOST, else 127.0.0.1).")
    var host: String?

    @Option(help: "The port (default: $MEDIAD_PORT, else 2283, Immich's).")
    var port: Int?

    @Option(help: "The largest upload accepted, in MiB (default: $MEDIAD_MAX_UPLOAD_MB, else 4096).")
    var maxUploadMB: Int?

    @Option(help: "Days an asset stays in the trash before it is removed for good (default: $MEDIAD_TRASH_DAYS, else 30).")
    var trashDays: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default: $MEDIAD_LOG_LEVEL, else info).")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.host = host ?? environment["MEDIAD_HOST"] ?? configuration.host
        configuration.port = port ?? environment["MEDIAD_PORT"].flatMap(Int.init) ?? configuration.port
        if let megabytes = maxUploadMB ?? environment["MEDIAD_MAX_UPLOAD_MB"].flatMap(Int.init) {
            configuration.maxUploadBytes = max(1, megabytes) << 20
        }
        let levelName = logLevel ?? environment["MEDIAD_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("--log-level: \(levelName) is not one of trace, debug, info, notice, warning, error, critical")
        }
        configuration.logLevel = level
        var libraryConfiguration = LibraryConfiguration()
        let daysText = trashDays.map(String.init) ?? environment["MEDIAD_TRASH_DAYS"]
        if let daysText {
            guard let days = Int(daysText), days >= 0 else { throw ValidationError("--trash-days: \(daysText) is not a number of days (0 or more)") }
            libraryConfiguration.trashRetentionDays = days
        }
        let path = library ?? environment["MEDIAKIT_LIBRARY"] ?? (NSHomeDirectory() + "/MediaKit")
        let app = try buildApplication(library: try Library(at: path, configuration: libraryConfiguration), configuration: configuration)
        try await app.runService()
    }
}
