public import Foundation

/// A calendar date and wall-clock time with no time zone: what the camera's clock showed.
public struct LocalDateTime: Sendable, Hashable, Codable, Comparable {
    /// The year, 1–9999.
    public var year: Int
    /// The month, 1–12.
    public var month: Int
    /// The day of the month, 1–31.
    public var day: Int
    /// The hour, 0–23.
    public var hour: Int
    /// The minute, 0–59.
    public var minute: Int
    /// The second, 0–60 (60 for a leap second).
    public var second: Int
    /// Milliseconds, when the file records sub-seconds.
    public var millisecond: Int?

    /// Creates a date-time, checking that each component is in range.
    /// - Returns: `nil` for impossible values (month 13, day 0, 25 o'clock, the all-zero date cameras write when unset).
    public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int? = nil) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second),
              millisecond.map({ (0...999).contains($0) }) ?? true else { return nil }
        guard day <= LocalDateTime.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses the `text` form (`YYYY-MM-DDTHH:MM:SS[.fff]`) or an EXIF date (`YYYY:MM:DD HH:MM:SS`);
    /// any offset in the text is ignored. `nil` when `text` is not a date.
    public init?(parsing text: String) {
        guard let parsed = DateText.parse(text) else { return nil }
        self = parsed.local
    }

    /// `YYYY-MM-DDTHH:MM:SS`, with `.fff` when milliseconds are known.
    public var text: String {
        var s = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        if let millisecond { s += ".\(pad(millisecond, 3))" }
        return s
    }

    /// Seconds since 1970-01-01T00:00:00 as if this wall-clock time were UTC.
    public var secondsSinceEpochAsUTC: Double {
        // Days from civil, Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 + second)
        return seconds + Double(millisecond ?? 0) / 1000
    }

    /// The wall-clock time `seconds` after the epoch at UTC offset `offsetSeconds`.
    public init(secondsSinceEpoch seconds: Double, offsetSeconds: Int) {
        let local = seconds + Double(offsetSeconds)
        var whole = Int(local.rounded(.down))
        let ms = Int(((local - Double(whole)) * 1000).rounded())
        if ms == 1000 { whole += 1 }
        let days = Int((Double(whole) / 86_400).rounded(.down))
        let secs = whole - days * 86_400
        // Civil from days, Howard Hinnant's algorithm.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.year = y
        self.month = m
        self.day = d
        self.hour = secs / 3600
        self.minute = secs % 3600 / 60
        self.second = secs % 60
        self.millisecond = ms == 0 || ms == 1000 ? nil : ms
    }

    /// Orders by the wall-clock time (ignoring time zones, which a `LocalDateTime` does not have).
    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        a.secondsSinceEpochAsUTC < b.secondsSinceEpochAsUTC
    }

    private func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// When a photo or video was taken: the local wall-clock time, and the instant when the
/// UTC offset is known.
///
/// The timeline groups by `local`; sorting across time zones uses `instant`.
public struct CaptureDate: Sendable, Hashable, Codable {
    /// What the camera's clock showed.
    public var local: LocalDateTime
    /// The UTC offset in seconds east of Greenwich, when the file says it.
    public var offsetSeconds: Int?
    /// The tag the date came from, in exiftool's `Group:Tag` spelling.
    public var source: String

    /// Creates a capture date.
    public init(local: LocalDateTime, offsetSeconds: Int?, source: String) {
        self.local = local
        self.offsetSeconds = offsetSeconds
        self.source = source
    }

    /// A date and time as a person types it (ISO 8601):
    /// `YYYY-MM-DDTHH:MM[:SS[.fff]]` (a space may stand for the `T`), then `Z`, `±HH:MM`,
    /// `±HHMM`, `±HH` or nothing (the offset is unknown).
    ///
    /// ```swift
    /// CaptureDate(iso8601: "2019-07-14T20:41:00+01:00", source: "MediaKit:Edit")?.instant  // 19:41 UTC
    /// CaptureDate(iso8601: "2019-07-14 20:41", source: "MediaKit:Edit")?.offsetSeconds     // nil
    /// ```
    /// - Returns: `nil` for anything else: a missing time, an impossible date, or an offset
    ///   beyond ±14:00.
    public init?(iso8601 text: String, source: String) {
        guard let parsed = DateText.parse(text, strict: true) else { return nil }
        self.init(local: parsed.local, offsetSeconds: parsed.offsetSeconds, source: source)
    }

    /// The moment in time, when the offset is known.
    public var instant: Date? {
        guard let offsetSeconds else { return nil }
        return Date(timeIntervalSince1970: local.secondsSinceEpochAsUTC - Double(offsetSeconds))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff][±HH:MM]`: the local time, and the offset only when known.
    public var text: String {
        guard let offsetSeconds else { return local.text }
        return local.text + CaptureDate.offsetText(offsetSeconds)
    }

    /// `±HH:MM` for an offset in seconds.
    public static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        let h = minutes / 60, m = minutes % 60
        return "\(sign)\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
    }
}
