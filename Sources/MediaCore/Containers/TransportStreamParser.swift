/// MPEG transport streams (AVCHD `.mts`/`.m2ts`): the picture size from the H.264 sequence
/// parameter set, and the duration from the first and last program clock references.
enum TransportStreamParser {
    /// How much of the start and of the end of the stream is read.
    static let window = 1 << 20

    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let head = try source.read(at: 0, count: window)
        let packetSize = head.count > 196 && head[4] == 0x47 && head[196] == 0x47 ? 192 : 188
        let skip = packetSize - 188  // M2TS: a 4-byte timecode before each packet
        var streams: [Int: [UInt8]] = [:]
        var firstPCR: (pid: Int, value: UInt64)?
        forEachPacket(head, packetSize: packetSize, skip: skip) { pid, packet, payload in
            if firstPCR == nil, let pcr = pcr(packet) { firstPCR = (pid, pcr) }
            if let payload, streams[pid, default: []].count < 256 * 1024 { streams[pid, default: []] += payload }
        }
        for (_, stream) in streams.sorted(by: { $0.key < $1.key }) {
            if let size = H264.pictureSize(inStream: stream) {
                scan.pixelWidth = size.width
                scan.pixelHeight = size.height
                break
            }
        }
        if let first = firstPCR {
            let tailStart = max(0, source.size - Int64(window))
            let aligned = tailStart - tailStart % Int64(packetSize)
            let tail = aligned == 0 ? head : try source.read(at: aligned, count: window)
            var last: UInt64?
            forEachPacket(tail, packetSize: packetSize, skip: skip) { pid, packet, _ in
                if pid == first.pid, let pcr = pcr(packet) { last = pcr }
            }
            if let last, last >= first.value {
                scan.duration = Double(last - first.value) / 27_000_000
                scan.durationSource = "M2TS:Duration"
            }
        }
    }

    /// Calls `body(pid, packet, payload)` for each 188-byte packet that starts with the sync byte.
    private static func forEachPacket(_ bytes: [UInt8], packetSize: Int, skip: Int,
                                      _ body: (Int, ArraySlice<UInt8>, ArraySlice<UInt8>?) -> Void) {
        var at = skip
        while at + 188 <= bytes.count {
            defer { at += packetSize }
            guard bytes[at] == 0x47 else { continue }
            let packet = bytes[at..<at + 188]
            let pid = Int(bytes[at + 1] & 0x1F) << 8 | Int(bytes[at + 2])
            let control = (bytes[at + 3] >> 4) & 3
            var payloadStart = at + 4
            if control & 2 != 0 { payloadStart += 1 + Int(bytes[at + 4]) }
            let payload = control & 1 != 0 && payloadStart < at + 188 ? bytes[payloadStart..<at + 188] : nil
            body(pid, packet, payload)
        }
    }

    /// The program clock reference in a packet's adaptation field, in 27 MHz ticks.
    private static func pcr(_ p: ArraySlice<UInt8>) -> UInt64? {
        let b = Array(p)
        guard b.count >= 12, (b[3] >> 4) & 2 != 0, b[4] >= 7, b[5] & 0x10 != 0 else { return nil }
        let base = UInt64(b[6]) << 25 | UInt64(b[7]) << 17 | UInt64(b[8]) << 9 | UInt64(b[9]) << 1 | UInt64(b[10] >> 7)
        let ext = UInt64(b[10] & 1) << 8 | UInt64(b[11])
        return base * 300 + ext
    }
}

/// The few H.264 bitstream facts MediaKit needs.
enum H264 {
    /// Finds a sequence parameter set NAL unit in an elementary stream and returns the cropped picture size.
    static func pictureSize(inStream s: [UInt8]) -> (width: Int, height: Int)? {
        var i = 0
        while i + 4 < s.count {
            if s[i] == 0, s[i + 1] == 0, s[i + 2] == 1, s[i + 3] & 0x1F == 7 {
                let end = min(s.count, i + 3 + 256)
                if let size = spsSize(unescape(Array(s[(i + 4)..<end]))) { return size }
            }
            i += 1
        }
        return nil
    }

    /// Removes emulation-prevention bytes (00 00 03 → 00 00).
    static func unescape(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var zeros = 0
        for byte in b {
            if zeros >= 2 && byte == 3 { zeros = 0; continue }
            zeros = byte == 0 ? zeros + 1 : 0
            out.append(byte)
        }
        return out
    }

    /// Parses the SPS fields up to the frame cropping (ITU-T H.264 §7.3.2.1.1).
    static func spsSize(_ rbsp: [UInt8]) -> (width: Int, height: Int)? {
        var r = BitReader(rbsp)
        guard let profile = r.bits(8), r.bits(16) != nil, r.ue() != nil else { return nil }  // constraints, level, sps id
        var chromaFormat = 1
        if [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135].contains(profile) {
            guard let cf = r.ue() else { return nil }
            chromaFormat = cf
            if cf == 3 { _ = r.bit() }
            guard r.ue() != nil, r.ue() != nil, r.bit() != nil, let scaling = r.bit() else { return nil }
            if scaling == 1 {
                for list in 0..<(cf == 3 ? 12 : 8) where r.bit() == 1 {
                    var last = 8, next = 8
                    for _ in 0..<(list < 6 ? 16 : 64) where next != 0 {
                        guard let delta = r.se() else { return nil }
                        next = (last + delta + 256) % 256
                        last = next == 0 ? last : next
                    }
                }
            }
        }
        guard r.ue() != nil, let pocType = r.ue() else { return nil }  // log2_max_frame_num
        if pocType == 0 {
            guard r.ue() != nil else { return nil }
        } else if pocType == 1 {
            guard r.bit() != nil, r.se() != nil, r.se() != nil, let n = r.ue(), n < 256 else { return nil }
            for _ in 0..<n { guard r.se() != nil else { return nil } }
        }
        guard r.ue() != nil, r.bit() != nil, let wMbs = r.ue(), let hMaps = r.ue(), let frameMbsOnly = r.bit() else { return nil }
        if frameMbsOnly == 0 { _ = r.bit() }
        _ = r.bit()  // direct_8x8_inference
        var crop = (left: 0, right: 0, top: 0, bottom: 0)
        if r.bit() == 1 {
            guard let l = r.ue(), let rt = r.ue(), let t = r.ue(), let b = r.ue() else { return nil }
            crop = (l, rt, t, b)
        }
        let unitX = chromaFormat == 1 || chromaFormat == 2 ? 2 : 1
        let unitY = (chromaFormat == 1 ? 2 : 1) * (2 - frameMbsOnly)
        let width = (wMbs + 1) * 16 - unitX * (crop.left + crop.right)
        let height = (2 - frameMbsOnly) * (hMaps + 1) * 16 - unitY * (crop.top + crop.bottom)
        guard width > 0, height > 0, width <= 16384, height <= 16384 else { return nil }
        return (width, height)
    }
}

/// Reads bits and Exp-Golomb codes, most significant bit first.
struct BitReader {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func bit() -> Int? {
        guard position < bytes.count * 8 else { return nil }
        let b = Int(bytes[position >> 3] >> (7 - UInt8(position & 7))) & 1
        position += 1
        return b
    }

    mutating func bits(_ n: Int) -> Int? {
        var v = 0
        for _ in 0..<n {
            guard let b = bit() else { return nil }
            v = v << 1 | b
        }
        return v
    }

    /// Unsigned Exp-Golomb.
    mutating func ue() -> Int? {
        var zeros = 0
        while let b = bit(), b == 0 {
            zeros += 1
            if zeros > 31 { return nil }
        }
        guard position <= bytes.count * 8, let rest = bits(zeros) else { return nil }
        return (1 << zeros) - 1 + rest
    }

    /// Signed Exp-Golomb.
    mutating func se() -> Int? {
        guard let k = ue() else { return nil }
        return k % 2 == 1 ? (k + 1) / 2 : -(k / 2)
    }
}
