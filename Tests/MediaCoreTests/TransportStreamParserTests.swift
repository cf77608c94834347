import Testing
@testable import MediaCore

@Suite struct TransportStreamParserTests {
    /// A 188-byte packet on `pid` whose adaptation field carries `pcr` (27 MHz ticks).
    static func packet(pid: Int, pcr: UInt64) -> [UInt8] {
        let base = pcr / 300, ext = pcr % 300
        var p: [UInt8] = [0x47, UInt8(pid >> 8 & 0x1F), UInt8(pid & 0xFF), 0x20, 183, 0x10,
                          UInt8(base >> 25 & 0xFF), UInt8(base >> 17 & 0xFF), UInt8(base >> 9 & 0xFF), UInt8(base >> 1 & 0xFF),
                          UInt8((base & 1) << 7 | 0x7E | (ext >> 8)), UInt8(ext & 0xFF)]
        p += [UInt8](repeating: 0xFF, count: 188 - p.count)
        return p
    }

    @Test func durationFromTheFirstAndLastClockReference() throws {
        var bytes: [UInt8] = []
        for i in 0..<50 { bytes += Self.packet(pid: 0x100, pcr: 27_000_000 + UInt64(i) * 2_700_000) }
        var scan = ContainerScan(format: .m2ts)
        try TransportStreamParser.scan(MemoryByteSource(bytes), into: &scan)
        #expect(abs((scan.duration ?? 0) - 4.9) < 1e-9)
        #expect(scan.durationSource == "M2TS:Duration")
    }

    @Test func sequenceParameterSetGivesTheCroppedSize() throws {
        // 1920×1080 High profile: 120×68 macroblocks, cropped by 8 lines at the bottom.
        var w = BitWriter()
        w.bits(100, 8); w.bits(0, 8); w.bits(40, 8); w.ue(0)      // profile, constraints, level, sps id
        w.ue(1); w.ue(0); w.ue(0); w.bit(0); w.bit(0)             // 4:2:0, 8-bit, no scaling lists
        w.ue(0); w.ue(0); w.ue(2)                                 // log2 frame num, poc type 0, log2 poc lsb
        w.ue(4); w.bit(0); w.ue(119); w.ue(67); w.bit(1); w.bit(1) // refs, gaps, size, frame_mbs_only, 8x8
        w.bit(1); w.ue(0); w.ue(0); w.ue(0); w.ue(4)              // cropping: bottom 4 units = 8 lines
        let size = try #require(H264.spsSize(w.bytes))
        #expect(size.width == 1920 && size.height == 1080)
        #expect(H264.unescape([0, 0, 3, 1, 0, 0, 3]) == [0, 0, 1, 0, 0])
    }

    @Test func garbageNeverCrashes() {
        var bytes = [UInt8](repeating: 0x47, count: 188 * 4)
        for i in stride(from: 0, to: bytes.count, by: 7) { bytes[i] = UInt8(truncatingIfNeeded: i * 31) }
        var scan = ContainerScan(format: .m2ts)
        _ = try? TransportStreamParser.scan(MemoryByteSource(bytes), into: &scan)
        _ = H264.spsSize([0xFF, 0xFF, 0xFF, 0xFF])
        _ = H264.spsSize([])
    }
}

/// Writes bits and Exp-Golomb codes, for building bitstreams in tests.
struct BitWriter {
    var bytes: [UInt8] = []
    var count = 0

    mutating func bit(_ b: Int) {
        if count % 8 == 0 { bytes.append(0) }
        if b != 0 { bytes[bytes.count - 1] |= UInt8(0x80 >> (count % 8)) }
        count += 1
    }

    mutating func bits(_ v: Int, _ n: Int) {
        for i in stride(from: n - 1, through: 0, by: -1) { bit(v >> i & 1) }
    }

    mutating func ue(_ v: Int) {
        let x = v + 1
        let n = Int.bitWidth - x.leadingZeroBitCount
        bits(0, n - 1)
        bits(x, n)
    }
}
