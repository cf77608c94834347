import Foundation

extension ReverseGeocoder {
    /// The IANA time zone of a position: the zone of the nearest place, however far, up to
    /// `radius`.
    ///
    /// The zone of the nearest town is the zone of the position except within a few
    /// kilometres of a zone border; at sea or on an ice cap, more than `radius` from any
    /// town, the answer is `nil` rather than a guess.
    ///
    /// ```swift
    /// geocoder.timeZone(latitude: 38.7223, longitude: -9.1393)   // "Europe/Lisbon"
    /// geocoder.timeZone(latitude: 30, longitude: -40)            // nil: mid-Atlantic
    /// ```
    /// - Parameters:
    ///   - latitude: Degrees north, -90...90.
    ///   - longitude: Degrees east.
    ///   - radius: The largest distance to a place, in metres; 300 km by default.
    /// - Returns: An identifier such as `"Europe/Lisbon"`, or `nil` when no place is within
    ///   `radius` or the position is invalid.
    /// - Complexity: O(log *n*) expected in the number of places.
    public func timeZone(latitude: Double, longitude: Double, within radius: Double = ReverseGeocoder.timeZoneRadius) -> String? {
        nearestIndex(latitude: latitude, longitude: longitude, within: radius).map { file.zoneIds[Int(file.zones[$0])] }
    }

    /// The UTC offset in force at a position at a local wall-clock time, daylight saving time
    /// included: what a photo's missing `OffsetTimeOriginal` would have said.
    ///
    /// ```swift
    /// let july = LocalDateTime(year: 2024, month: 7, day: 14, hour: 12, minute: 0, second: 0)!
    /// geocoder.utcOffset(latitude: 38.7223, longitude: -9.1393, at: july)   // 3600 (+01:00, summer time)
    /// ```
    /// - Parameters:
    ///   - latitude: Degrees north, -90...90.
    ///   - longitude: Degrees east.
    ///   - local: The wall-clock time at that position (a camera's `DateTimeOriginal`).
    ///   - radius: The largest distance to a place, as ``timeZone(latitude:longitude:within:)``.
    /// - Returns: Seconds east of UTC, or `nil` when the time zone is unknown (see
    ///   ``timeZone(latitude:longitude:within:)``) or Foundation does not know its identifier.
    ///   For times that occur twice or never at a daylight-saving change, see
    ///   ``utcOffset(at:timeZone:)``.
    /// - Complexity: O(log *n*) expected in the number of places, plus Foundation's zone lookup.
    public func utcOffset(latitude: Double, longitude: Double, at local: LocalDateTime,
                          within radius: Double = ReverseGeocoder.timeZoneRadius) -> Int? {
        timeZone(latitude: latitude, longitude: longitude, within: radius)
            .flatMap { Self.utcOffset(at: local, timeZone: $0) }
    }

    /// The UTC offset in force in a time zone at a local wall-clock time (Foundation's
    /// `TimeZone`, so the tz database's history and daylight saving rules apply).
    ///
    /// Around a daylight-saving change a wall-clock time can be ambiguous or impossible; the
    /// answer then follows `java.time`'s `ZonedDateTime.of`:
    /// - a time that occurs twice (clocks go back) gets the earlier offset, the one before
    ///   the change (summer time);
    /// - a time that never occurs (clocks go forward) gets the offset before the change, so
    ///   that 02:30 on the spring-forward night is the same instant as 03:30 summer time.
    ///
    /// ```swift
    /// let january = LocalDateTime(year: 2024, month: 1, day: 10, hour: 9, minute: 0, second: 0)!
    /// ReverseGeocoder.utcOffset(at: january, timeZone: "Europe/Lisbon")   // 0
    /// ReverseGeocoder.utcOffset(at: january, timeZone: "Asia/Kolkata")    // 19800 (+05:30)
    /// ```
    /// - Parameters:
    ///   - local: The wall-clock time.
    ///   - identifier: An IANA time zone identifier, such as `"Europe/Lisbon"`.
    /// - Returns: Seconds east of UTC, or `nil` when Foundation does not know `identifier`.
    /// - Complexity: O(1): at most six offset look-ups.
    public static func utcOffset(at local: LocalDateTime, timeZone identifier: String) -> Int? {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        let wall = local.secondsSinceEpochAsUTC
        func offset(atInstant seconds: Double) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: seconds))
        }
        // The offsets in force a day before and a day after cover both sides of any change
        // near `local`; an offset fits when reading `local` with it lands on an instant where
        // that same offset is in force.
        let before = offset(atInstant: wall - 86_400), after = offset(atInstant: wall + 86_400)
        let fitting = [before, after].filter { offset(atInstant: wall - Double($0)) == $0 }
        if let earlier = fitting.max() { return earlier }   // larger offset: the earlier instant
        let guess = offset(atInstant: wall)
        if offset(atInstant: wall - Double(guess)) == guess { return guess }
        return before   // in a gap: the offset before the change
    }
}
