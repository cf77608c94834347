import Foundation
import Testing
@testable import MediaStore

/// A library on a tiny tmpfs: the import stops cleanly when the disk fills up, nothing already
/// stored is damaged, and after space is freed an import finishes the job. Needs permission to
/// mount (root); skipped otherwise.
@Suite(.serialized, .enabled(if: Mounting.canMount, "mounting a tmpfs needs root"))
struct DiskFullTests {
    static func sh(_ command: String) -> Int32 { Mounting.sh(command) }

    @Test func fullDiskStopsTheImportAndLosesNothing() async throws {
        let dir = try TemporaryFolder()
        let mountPoint = dir.sub("disk")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        #expect(Self.sh("mount -t tmpfs -o size=6m tmpfs '\(mountPoint)'") == 0)
        defer { _ = Self.sh("umount -l '\(mountPoint)'") }
        for i in 0..<30 {
            // 100 KB each: the first few fit next to the catalog's 4 MiB reserve, the rest do not.
            try dir.write("photos/\(i).jpg", JPEGFixture.make(salt: "\(i)" + String(repeating: "x", count: 100_000)))
        }
        let library = try Library(at: mountPoint + "/library")
        let first = await library.import([dir.sub("photos")])
        #expect(first.stoppedBecause != nil, "the import says it stopped")
        #expect(first.imported >= 1 && first.imported < 30, "imported \(first.imported), failures \(first.failures.prefix(3))")
        let full = try #require(first.failures.first { $0.error.code == .diskFull })
        #expect(full.description.hasPrefix(dir.sub("photos/")), "the failure names the file: \(full)")
        // What was recorded is intact: every asset has its original.
        let report = try await library.verify(deep: true)
        #expect(!report.problems.contains { if case .orphanObject = $0 { false } else { true } }, "\(report.problems)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint + "/library/tmp").isEmpty, "no staging left")

        // Free space (grow the disk) and import again: everything arrives, nothing twice.
        #expect(Self.sh("mount -o remount,size=16m '\(mountPoint)'") == 0)
        let second = await library.import([dir.sub("photos")])
        #expect(second.failed == 0 && second.stoppedBecause == nil)
        #expect(first.imported + second.imported == 30)
        #expect(try await library.verify(deep: true).isClean)
    }
}

/// Whether this process may mount a tmpfs.
enum Mounting {
    static func sh(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    static let canMount: Bool = {
        guard getuid() == 0 else { return false }
        let probe = NSTemporaryDirectory() + "mediakit-mount-probe-\(getpid())"
        defer { _ = sh("umount '\(probe)' 2>/dev/null; rmdir '\(probe)'") }
        return sh("mkdir -p '\(probe)' && mount -t tmpfs -o size=64k tmpfs '\(probe)'") == 0
    }()
}
