import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// JSON Lines on stdout, keys in the order given.
enum Output {
    static func emit(_ fields: [(String, any Sendable)]) {
        var line = "{"
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { line += "," }
            line += quote(key) + ":" + encode(value)
        }
        line += "}\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data(("mediabench: " + text + "\n").utf8))
    }

    private static func encode(_ value: any Sendable) -> String {
        switch value {
        case let v as Int: return String(v)
        case let v as Int64: return String(v)
        case let v as Double: return v.isFinite ? String(v) : "null"
        case let v as Bool: return v ? "true" : "false"
        case let v as String: return quote(v)
        case let v as [Double]: return "[" + v.map { encode($0) }.joined(separator: ",") + "]"
        case Optional<Int>.none: return "null"
        default: return quote("\(value)")
        }
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    static func round(_ v: Double, _ digits: Int) -> Double {
        let p = pow(10.0, Double(digits))
        return (v * p).rounded() / p
    }
}

/// Percentiles by nearest rank over a sample.
struct Sample {
    private(set) var values: [Double] = []

    mutating func add(_ v: Double) { values.append(v) }

    /// The nearest-rank percentile `p` (0...1); p99 of 20 runs is the slowest one.
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }

    var min: Double { values.min() ?? .nan }
    var max: Double { values.max() ?? .nan }
    var mean: Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
}

/// This process's memory, from /proc/self/status (Linux).
enum Memory {
    /// A `kB` line of /proc/self/status (`VmRSS`, `VmHWM`) in bytes, or -1 when unavailable.
    static func status(_ key: String) -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            let digits = line.dropFirst(key.count + 1).filter(\.isNumber)
            return (Int64(digits) ?? -1) * 1024
        }
        return -1
    }

    /// Resets VmHWM to the current RSS (`echo 5 > /proc/self/clear_refs`, Linux 4.0+), so the
    /// peak of one phase can be read on its own. Returns whether it worked.
    @discardableResult
    static func resetPeak() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    static func mib(_ bytes: Int64) -> Double {
        bytes < 0 ? .nan : Output.round(Double(bytes) / 1_048_576, 1)
    }
}

enum Files {
    /// The size of a file in bytes, 0 when it is missing.
    static func size(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }
}
