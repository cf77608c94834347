/// GIF: the logical screen size, and the duration of animations (sum of frame delays).
enum GIFParser {
    static func scan(_ source: any ByteSource, into scan: inout ContainerScan) throws(MediaCoreError) {
        let header = try source.readExactly(at: 0, count: 13, "GIF header")
        let r = BinaryReader(header, bigEndian: false)
        scan.pixelWidth = Int(r.u16(6) ?? 0)
        scan.pixelHeight = Int(r.u16(8) ?? 0)
        var reader = SequentialReader(source: source, offset: 13)
        let flags = header[10]
        if flags & 0x80 != 0 { reader.skip(3 << (Int(flags & 7) + 1)) }
        var delay = 0, frames = 0
        loop: while let introducer = reader.byte() {
            switch introducer {
            case 0x21:
                guard let label = reader.byte() else { break loop }
                if label == 0xF9, let size = reader.byte(), size >= 4, let block = reader.bytes(Int(size)) {
                    delay += Int(block[1]) | Int(block[2]) << 8
                    reader.skipSubBlocks()
                } else {
                    reader.skipSubBlocks()
                }
            case 0x2C:
                frames += 1
                guard let descriptor = reader.bytes(9) else { break loop }
                if descriptor[8] & 0x80 != 0 { reader.skip(3 << (Int(descriptor[8] & 7) + 1)) }
                reader.skip(1)          // LZW minimum code size
                reader.skipSubBlocks()
            case 0x3B:
                break loop
            default:
                scan.warnings.append("unexpected GIF block 0x\(String(introducer, radix: 16))")
                break loop
            }
            if frames > 100_000 { break }
        }
        if frames > 1 || delay > 0 {
            scan.duration = Double(delay) / 100
            scan.durationSource = "GIF:Duration"
        }
    }
}

/// Reads a source front to back through a 64 KiB buffer (for formats made of many small blocks).
struct SequentialReader {
    let source: any ByteSource
    var offset: Int64
    private var buffer: [UInt8] = []
    private var bufferStart: Int64 = 0

    init(source: any ByteSource, offset: Int64) {
        self.source = source
        self.offset = offset
    }

    mutating func byte() -> UInt8? {
        if offset < bufferStart || offset >= bufferStart + Int64(buffer.count) {
            guard let chunk = try? source.read(at: offset, count: 64 * 1024), !chunk.isEmpty else { return nil }
            buffer = chunk
            bufferStart = offset
        }
        let b = buffer[Int(offset - bufferStart)]
        offset += 1
        return b
    }

    mutating func bytes(_ n: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            guard let b = byte() else { return nil }
            out.append(b)
        }
        return out
    }

    mutating func skip(_ n: Int) { offset += Int64(n) }

    /// Skips GIF-style data sub-blocks up to the zero-length terminator.
    mutating func skipSubBlocks() {
        while let size = byte(), size != 0 { skip(Int(size)) }
    }
}
