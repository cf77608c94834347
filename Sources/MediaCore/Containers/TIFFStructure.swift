/// A reader for TIFF structures (classic and BigTIFF): the IFDs of TIFF, DNG and TIFF-based
/// raw files, and EXIF payloads too large for libexif.
///
/// It reads IFD entries and small values only; pixel data and large arrays are never loaded.
struct TIFFStructure {
    /// One IFD entry with its value bytes (in the file's byte order), or none when the value
    /// was larger than the caller wanted.
    struct Entry {
        var tag: UInt16
        var type: UInt16
        var count: UInt64
        var value: [UInt8]?
        /// Where the value lives in the source, for entries that point at data.
        var valueOffset: Int64
    }

    let source: any ByteSource
    /// Offset of the TIFF header in `source`.
    let base: Int64
    let bigEndian: Bool
    let isBigTIFF: Bool
    let firstIFDOffset: UInt64

    /// Parses the header at `base`.
    init(_ source: any ByteSource, base: Int64 = 0) throws(MediaCoreError) {
        let header = try source.readExactly(at: base, count: 8, "TIFF header")
        let r0 = BinaryReader(header, bigEndian: header[0] == 0x4D)
        guard (header[0] == 0x49 && header[1] == 0x49) || (header[0] == 0x4D && header[1] == 0x4D) else {
            throw MediaCoreError(.corrupt, "no TIFF byte-order mark")
        }
        self.source = source
        self.base = base
        self.bigEndian = header[0] == 0x4D
        let magic = r0.u16(2) ?? 0
        switch magic {
        case 43:
            let big = try source.readExactly(at: base, count: 16, "BigTIFF header")
            let r = BinaryReader(big, bigEndian: bigEndian)
            isBigTIFF = true
            firstIFDOffset = r.u64(8) ?? 0
        default:
            // 42 for TIFF; ORF ("RO", "RS") and RW2 (0x55) use their own magic with a classic layout.
            isBigTIFF = false
            firstIFDOffset = UInt64(r0.u32(4) ?? 0)
        }
    }

    static func typeSize(_ type: UInt16) -> Int {
        switch type {
        case 1, 2, 6, 7: return 1        // BYTE ASCII SBYTE UNDEFINED
        case 3, 8: return 2              // SHORT SSHORT
        case 4, 9, 11, 13: return 4      // LONG SLONG FLOAT IFD
        case 5, 10, 12: return 8         // RATIONAL SRATIONAL DOUBLE
        case 16, 17, 18: return 8        // LONG8 SLONG8 IFD8
        default: return 0
        }
    }

    /// Reads the IFD at `offset` (relative to `base`).
    /// - Parameters:
    ///   - maxValueSize: values larger than this are not loaded (`value` is nil).
    /// - Returns: the entries and the offset of the next IFD (0 when none).
    func readIFD(at offset: UInt64, maxValueSize: Int = 64 * 1024) throws(MediaCoreError) -> (entries: [Entry], next: UInt64) {
        guard offset >= 8, offset < UInt64(source.size) else {
            throw MediaCoreError(.corrupt, "IFD offset \(offset) is outside the file")
        }
        let start = base + Int64(offset)
        let countSize = isBigTIFF ? 8 : 2
        let entrySize = isBigTIFF ? 20 : 12
        let countBytes = try source.readExactly(at: start, count: countSize, "IFD entry count")
        let cr = BinaryReader(countBytes, bigEndian: bigEndian)
        let n = Int(isBigTIFF ? min(cr.u64(0) ?? 0, 10_000) : UInt64(cr.u16(0) ?? 0))
        guard n > 0, n <= 4000 else { throw MediaCoreError(.corrupt, "IFD at \(offset) has \(n) entries") }
        let tableSize = n * entrySize + (isBigTIFF ? 8 : 4)
        var table = try source.read(at: start + Int64(countSize), count: tableSize)
        var next: UInt64 = 0
        let complete = table.count == tableSize
        if !complete {
            // Keep the entries that are whole; there is no next-IFD pointer.
            table = Array(table.prefix(table.count / entrySize * entrySize))
        }
        let r = BinaryReader(table, bigEndian: bigEndian)
        if complete {
            next = isBigTIFF ? (r.u64(n * entrySize) ?? 0) : UInt64(r.u32(n * entrySize) ?? 0)
        }
        var entries: [Entry] = []
        entries.reserveCapacity(n)
        let inline = isBigTIFF ? 8 : 4
        for i in 0..<(table.count / entrySize) {
            let e = i * entrySize
            guard let tag = r.u16(e), let type = r.u16(e + 2) else { break }
            let count: UInt64 = isBigTIFF ? (r.u64(e + 4) ?? 0) : UInt64(r.u32(e + 4) ?? 0)
            let unit = TIFFStructure.typeSize(type)
            guard unit > 0 else { continue }
            let (total, overflow) = count.multipliedReportingOverflow(by: UInt64(unit))
            guard !overflow else { continue }
            let valueField = e + (isBigTIFF ? 12 : 8)
            var entry = Entry(tag: tag, type: type, count: count, value: nil, valueOffset: 0)
            if total <= UInt64(inline) {
                entry.value = r.slice(valueField, Int(total))
                entry.valueOffset = start + Int64(countSize + valueField)
            } else {
                let pointer = isBigTIFF ? (r.u64(valueField) ?? 0) : UInt64(r.u32(valueField) ?? 0)
                guard pointer < UInt64(source.size) else { entries.append(entry); continue }
                entry.valueOffset = base + Int64(pointer)
                if total <= UInt64(maxValueSize) {
                    let bytes = try source.read(at: entry.valueOffset, count: Int(total))
                    if bytes.count == Int(total) { entry.value = bytes }
                }
            }
            entries.append(entry)
        }
        return (entries, next)
    }

    /// The first integer of an entry (BYTE, SHORT, LONG, LONG8 or IFD types).
    func integer(_ entry: Entry, index: Int = 0) -> UInt64? {
        guard let v = entry.value else { return nil }
        let r = BinaryReader(v, bigEndian: bigEndian)
        switch entry.type {
        case 1, 7: return r.u8(index).map(UInt64.init)
        case 3: return r.u16(index * 2).map(UInt64.init)
        case 4, 13: return r.u32(index * 4).map(UInt64.init)
        case 16, 18: return r.u64(index * 8)
        default: return nil
        }
    }

    /// All integers of an entry.
    func integers(_ entry: Entry) -> [UInt64] {
        (0..<Int(min(entry.count, 4096))).compactMap { integer(entry, index: $0) }
    }

    /// An ASCII entry as text, cut at the first NUL and trimmed.
    func string(_ entry: Entry) -> String? {
        guard let v = entry.value else { return nil }
        let cut = v.prefix { $0 != 0 }
        let s = String(decoding: cut, as: UTF8.self).trimmedSpacesAndNULs()
        return s.isEmpty ? nil : s
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, line breaks and NULs.
    func trimmedSpacesAndNULs() -> String {
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" || s == "\0" }
        var scalars = Substring(self).unicodeScalars[...]
        while let f = scalars.first, isSpace(f) { scalars.removeFirst() }
        while let l = scalars.last, isSpace(l) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
