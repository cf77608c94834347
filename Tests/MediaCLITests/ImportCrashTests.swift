import Foundation
import Testing
import MediaStore

/// Drives the `media` executable as a user does: exit codes, the JSON summary, and `kill -9`
/// in the middle of an import.
@Suite struct ImportCrashTests {
    /// The `media` binary built beside this test bundle.
    static let media: String = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("media").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/media").path
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: media)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A folder of `count` distinct small JPEGs, a few KB each (unique bytes via a comment).
    static func photos(in dir: String, count: Int, padding: Int = 20_000) throws {
        for i in 0..<count {
            let folder = dir + "/\(i % 7)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var bytes: [UInt8] = [0xFF, 0xD8]
            let comment = Array("photo \(i) ".utf8) + [UInt8](repeating: UInt8(i % 251), count: padding)
            var rest = comment[...]
            while !rest.isEmpty {
                let chunk = rest.prefix(60_000)
                rest = rest.dropFirst(chunk.count)
                bytes += [0xFF, 0xFE, UInt8((chunk.count + 2) >> 8), UInt8((chunk.count + 2) & 0xFF)] + chunk
            }
            bytes += [0xFF, 0xC0, 0, 11, 8, 0, 48, 0, 64, 1, 1, 0x11, 0, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x00, 0xFF, 0xD9]
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/IMG_\(i).jpg"))
        }
    }

    /// Removes a test's folder, read-only objects included.
    static func remove(_ dir: String) {
        if let walker = FileManager.default.enumerator(atPath: dir) {
            for case let name as String in walker { chmod(dir + "/" + name, 0o755) }
        }
        try? FileManager.default.removeItem(atPath: dir)
    }

    @Test func jsonSummaryAndExitCodes() throws {
        let dir = NSTemporaryDirectory() + "mediakit-cli-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.photos(in: dir + "/photos", count: 5, padding: 100)
        try Data("broken".utf8).write(to: URL(fileURLWithPath: dir + "/photos/broken.jpg"))
        let first = try Self.run(["import", "--library", dir + "/lib", dir + "/photos", "--json"])
        #expect(first.status == 1, "a file failed")
        let object = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect(object?["imported"] as? Int == 5)
        #expect(object?["failed"] as? Int == 1)
        #expect(object?["duplicates"] as? Int == 0 && object?["skipped"] as? Int == 0)
        #expect(object?["thumbnailFailures"] as? Int == 5, "the photos have headers but no pixels")
        #expect(object?["seconds"] is Double)
        #expect(first.stderr.contains(dir + "/photos/broken.jpg"), "the failure names the file")

        try FileManager.default.removeItem(atPath: dir + "/photos/broken.jpg")
        let second = try Self.run(["import", "--library", dir + "/lib", dir + "/photos", "--json"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("\"imported\":0"))
        let ls = try Self.run(["ls", "--library", dir + "/lib", "--json"])
        #expect(ls.stdout.split(separator: "\n").count == 5)
        #expect(try Self.run(["verify", "--library", dir + "/lib", "--deep"]).status == 0)
    }

    /// kill -9 at random moments, then import again: the library is clean and complete.
    @Test func killedImportsLeaveNothingBroken() throws {
        let dir = NSTemporaryDirectory() + "mediakit-kill-" + UUID().uuidString
        defer { Self.remove(dir) }
        let count = 300
        try Self.photos(in: dir + "/photos", count: count)
        var generator = SystemRandomNumberGenerator()
        let rounds = Int(ProcessInfo.processInfo.environment["MEDIAKIT_KILL_ROUNDS"] ?? "") ?? 20
        var killedMidway = 0
        for round in 0..<rounds {
            // Each round starts a new library, so the kill lands in real work, not in a rescan.
            let mode = ["--copy", "--move", "--in-place"][round % 3]
            let lib = dir + "/lib\(round)"
            var target = dir + "/photos"
            if mode == "--move" {
                // Move takes the files away: work on a copy.
                target = dir + "/moving\(round)"
                try FileManager.default.copyItem(atPath: dir + "/photos", toPath: target)
            }
            // Every fourth round is killed twice before it may finish.
            for _ in 0..<(round % 4 == 3 ? 2 : 1) {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Self.media)
                process.arguments = ["import", "--library", lib, target, mode]
                process.standardError = FileHandle.nullDevice
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                // Kill once the catalog has recorded a random number of files (0: right away,
                // before anything is recorded), watching it from outside as another reader.
                let recordedBeforeKill = Int.random(in: 0..<count, using: &generator)
                if recordedBeforeKill == 0 { usleep(UInt32.random(in: 0...30_000, using: &generator)) }
                var watcher: Library?
                while process.isRunning, recordedBeforeKill > 0 {
                    if watcher == nil, FileManager.default.fileExists(atPath: lib + "/library.sqlite") {
                        usleep(20_000)
                        watcher = try? Library(at: lib)
                    }
                    if let sources = try? watcher?.statistics().sources, sources >= recordedBeforeKill { break }
                    usleep(1_000)
                }
                if process.isRunning { kill(process.processIdentifier, SIGKILL); killedMidway += 1 }
                process.waitUntilExit()
            }

            // Run it again to the end.
            let again = try Self.run(["import", "--library", lib, target, mode, "--json"])
            #expect(again.status == 0, "round \(round): \(again.stderr)")
            let verify = try Self.run(["verify", "--library", lib, "--deep"])
            #expect(verify.status == 0, "round \(round) (\(mode)): \(verify.stdout)\(verify.stderr)")
            // Every source file is in the library exactly once, with its bytes.
            let ls = try Self.run(["ls", "--library", lib, "--json"])
            let lines = ls.stdout.split(separator: "\n")
            #expect(lines.count == count, "round \(round) (\(mode)): \(lines.count) assets")
            let names = Set(lines.compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["filename"] as? String
            })
            #expect(names.count == count)
            if mode == "--move" {
                let left = FileWalker.files(under: [target]).map { $0 }
                #expect(left.isEmpty, "round \(round): every moved file was taken in: \(left.prefix(3))")
            }
            for path in [lib, target] where path != dir + "/photos" {
                if let walker = FileManager.default.enumerator(atPath: path) {
                    for case let name as String in walker { chmod(path + "/" + name, 0o755) }
                }
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        print("kill -9 during import: \(killedMidway) kills landed mid-import over \(rounds) rounds; every round clean afterwards")
        #expect(killedMidway >= rounds / 2, "most rounds were interrupted mid-import (\(killedMidway) of \(rounds))")
    }
}
