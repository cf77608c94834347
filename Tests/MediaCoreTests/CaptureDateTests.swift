import Foundation
import Testing
@testable import MediaCore

@Suite struct CaptureDateTests {
    @Test func parsesExifAndISODates() throws {
        let exif = try #require(DateText.parse("2021:04:11 15:47:53"))
        #expect(exif.local.text == "2021-04-11T15:47:53")
        #expect(exif.offsetSeconds == nil)
        let iso = try #require(DateText.parse("2019-07-24T10:25:57.5+0200"))
        #expect(iso.local.text == "2019-07-24T10:25:57.500")
        #expect(iso.offsetSeconds == 7200)
        #expect(DateText.parse("2011-09-23T12:43:03Z")?.offsetSeconds == 0)
        #expect(DateText.parse("2005-12-17")?.local.text == "2005-12-17T00:00:00")
    }

    @Test func rejectsBlankAndImpossibleDates() {
        #expect(DateText.parse("0000:00:00 00:00:00") == nil)
        #expect(DateText.parse("    :  :     :  :  ") == nil)
        #expect(DateText.parse("2021:02:30 10:00:00") == nil)
        #expect(DateText.parse("2021:13:01 10:00:00") == nil)
        #expect(DateText.parse("") == nil)
    }

    @Test func offsetsAndSubSeconds() {
        #expect(DateText.parseOffset("-05:00") == -18_000)
        #expect(DateText.parseOffset("+05:30") == 19_800)
        #expect(DateText.parseOffset("+0545") == 20_700)
        #expect(DateText.parseOffset("+25:00") == nil)
        #expect(DateText.parseOffset("   :  ") == nil)
        #expect(DateText.subSeconds("054") == 54)
        #expect(DateText.subSeconds("5") == 500)
        #expect(DateText.subSeconds("123456") == 123)
        #expect(DateText.subSeconds("  ") == nil)
    }

    @Test func instantNeedsTheOffset() throws {
        let local = try #require(LocalDateTime(year: 2021, month: 4, day: 11, hour: 15, minute: 47, second: 53, millisecond: 54))
        let known = CaptureDate(local: local, offsetSeconds: -18_000, source: "EXIF:DateTimeOriginal")
        #expect(known.text == "2021-04-11T15:47:53.054-05:00")
        #expect(known.instant == Date(timeIntervalSince1970: 1_618_174_073.054))
        let unknown = CaptureDate(local: local, offsetSeconds: nil, source: "EXIF:DateTimeOriginal")
        #expect(unknown.instant == nil)
        #expect(unknown.text == "2021-04-11T15:47:53.054")
    }

    @Test func civilDateRoundTrip() throws {
        for seconds: Double in [0, 951_782_400, 1_618_174_073, -31_536_000, 4_102_444_799] {
            let local = LocalDateTime(secondsSinceEpoch: seconds, offsetSeconds: 0)
            #expect(local.secondsSinceEpochAsUTC == seconds)
        }
        let leap = LocalDateTime(secondsSinceEpoch: 951_782_400, offsetSeconds: 0)
        #expect(leap.text == "2000-02-29T00:00:00")
    }

    /// A date and time a person typed (the CLI's `set-date`, Immich's `dateTimeOriginal`):
    /// ISO 8601 forms are read, anything else is refused rather than half read.
    @Test func readsTypedDatesStrictly() throws {
        let cases: [(String, String)] = [
            ("2019-07-14T20:41:00+01:00", "2019-07-14T20:41:00+01:00"), ("2019-07-14 20:41", "2019-07-14T20:41:00"),
            ("2001-02-03T04:05:06Z", "2001-02-03T04:05:06+00:00"), ("2001-02-03T04:05:06z", "2001-02-03T04:05:06+00:00"),
            ("2018-01-02T03:04:05.5", "2018-01-02T03:04:05.500"), ("2019-07-14T20:41:00.250-0330", "2019-07-14T20:41:00.250-03:30"),
        ]
        for (text, expected) in cases {
            #expect(CaptureDate(iso8601: text, source: "test")?.text == expected, "\(text)")
        }
        for bad in ["yesterday", "2019-07-14", "2019-07-14T20:41:00+25:00", "2019-07-14T20:41:00.", "2019-02-30T10:00:00",
                    "2019-07-14T20:41:00 junk", "2019-07-14T20:41:00Zjunk"] {
            #expect(CaptureDate(iso8601: bad, source: "test") == nil, "\(bad)")
        }
        // Metadata keeps its lenient reading: a date alone, an unreadable offset left out.
        #expect(DateText.parse("2019-07-14")?.local.text == "2019-07-14T00:00:00")
        #expect(DateText.parse("2019-07-14T20:41:00 junk")?.offsetSeconds == nil)
    }
}
