/// Parses the date-time texts of EXIF (`2021:04:11 15:47:53`), XMP and QuickTime
/// (`2021-04-11T15:47:53.054-05:00`, `2019-07-24T10:25:57+0200`).
enum DateText {
    struct Parsed {
        var local: LocalDateTime
        /// Seconds east of UTC when the text carries an offset (`Z` is 0).
        var offsetSeconds: Int?
    }

    /// Parses a date with optional time, fraction and offset. Blank or all-zero dates give nil.
    /// `strict` (text a person typed): the time is required, a fraction has digits, and what
    /// follows the time is nothing but a valid offset; otherwise an unreadable offset is left out.
    static func parse(_ text: String, strict: Bool = false) -> Parsed? {
        let b = Array(text.utf8)
        var i = 0
        func skipSpaces() { while i < b.count, b[i] == 0x20 { i += 1 } }
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int(c - 0x30)
            }
            i += n
            return v
        }
        func separator(_ allowed: [UInt8]) -> Bool {
            guard i < b.count, allowed.contains(b[i]) else { return false }
            i += 1
            return true
        }
        skipSpaces()
        guard let year = digits(4), separator([0x3A, 0x2D]), let month = digits(2), separator([0x3A, 0x2D]),
              let day = digits(2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var millisecond: Int?
        var offset: Int?
        if separator([0x54, 0x20]) {
            guard let h = digits(2), separator([0x3A]), let m = digits(2) else { return nil }
            hour = h
            minute = m
            if separator([0x3A]) {
                guard let s = digits(2) else { return nil }
                second = s
            }
            if separator([0x2E, 0x2C]) {
                let start = i
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
                if strict, i == start { return nil }
                millisecond = subSeconds(String(decoding: b[start..<i], as: UTF8.self))
            }
            if !strict { skipSpaces() }
            if i < b.count {
                if b[i] == 0x5A || (strict && b[i] == 0x7A), !strict || i + 1 == b.count {
                    offset = 0
                } else {
                    offset = parseOffset(String(decoding: b[i...], as: UTF8.self))
                    if strict, offset == nil { return nil }
                }
            }
        } else if strict {
            return nil
        }
        guard let local = LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute,
                                        second: second, millisecond: millisecond) else { return nil }
        return Parsed(local: local, offsetSeconds: offset)
    }

    /// `±HH:MM`, `±HHMM` or `±HH` → seconds east of UTC; nil unless within ±14:00.
    static func parseOffset(_ text: String) -> Int? {
        let t = text.trimmedSpacesAndNULs()
        if t == "Z" { return 0 }
        let b = Array(t.utf8)
        guard let sign = b.first, sign == 0x2B || sign == 0x2D else { return nil }
        let digits = b.dropFirst().filter { $0 != 0x3A }
        guard digits.count == 2 || digits.count == 4, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let d = digits.map { Int($0 - 0x30) }
        let h = d[0] * 10 + d[1]
        let m = d.count == 4 ? d[2] * 10 + d[3] : 0
        guard h <= 14, m < 60 else { return nil }
        let seconds = (h * 60 + m) * 60
        return sign == 0x2D ? -seconds : seconds
    }

    /// EXIF SubSecTime digits (`"054"`, `"5"`, `"0540"`) → milliseconds.
    static func subSeconds(_ text: String?) -> Int? {
        guard let text else { return nil }
        let digits = text.trimmedSpacesAndNULs().prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        let three = String((digits + "000").prefix(3))
        return Int(three)
    }
}
