import ArgumentParser
import Foundation
import MediaStore

/// What the organising commands share: finding the assets and albums the user names, reading
/// values from the command line, and printing assets and errors the way the other commands do.
/// Everything that decides what happens to an asset is the SDK's.
enum CLI {
    /// Prints `media: text` on stderr and gives the exit status 1 to throw.
    static func fail(_ text: String) -> ExitCode {
        Terminal.error(text)
        return ExitCode(1)
    }

    /// Runs an SDK call; its error is printed as `path: code: message` and the exit status is 1.
    static func sdk<T>(_ body: () throws(MediaStoreError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw fail(error.description)
        }
    }

    /// The assets named by full ids or unique prefixes of their id or SHA-256, each once, in
    /// the order given. Nothing is returned (and nothing may be changed) unless every one is
    /// found: each that is not is named on stderr and the exit status is 1.
    static func assets(_ texts: [String], in lib: Library) throws -> [Asset] {
        guard !texts.isEmpty else { throw fail("name at least one asset (an id, or a unique prefix of its id or SHA-256)") }
        var found: [Asset] = [], seen: Set<AssetID> = [], missing = 0
        for text in texts {
            do {
                if let asset = try lib.asset(matching: text) {
                    if seen.insert(asset.id).inserted { found.append(asset) }
                } else {
                    Terminal.error("no asset matches '\(text)' (give an id, or a prefix of 6+ characters of an asset's id or SHA-256)")
                    missing += 1
                }
            } catch {
                Terminal.error(error.description)
                missing += 1
            }
        }
        if missing > 0 { throw ExitCode(1) }
        return found
    }

    /// The ids of ``assets(_:in:)``.
    static func assetIDs(_ texts: [String], in lib: Library) throws -> [AssetID] {
        try assets(texts, in: lib).map(\.id)
    }

    /// The album with this id, or the only one with this name (any case).
    static func album(_ text: String, in lib: Library) throws -> Album {
        if let id = AlbumID(text) {
            if let album = try sdk({ () throws(MediaStoreError) in try lib.album(id) }) { return album }
            throw fail("no album \(text) (media album ls lists them)")
        }
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let named = try sdk { () throws(MediaStoreError) in try lib.albums() }
            .filter { $0.name.compare(name, options: .caseInsensitive) == .orderedSame }
        switch named.count {
        case 1: return named[0]
        case 0: throw fail("no album named '\(text)' (media album ls lists them)")
        default: throw fail("\(named.count) albums are named '\(text)': give the id of one (\(named.map(\.id.description).joined(separator: ", ")))")
        }
    }

    // MARK: Values

    /// `LAT,LON` in decimal degrees. Whether it is on the Earth is the SDK's to check.
    static func position(_ text: String) throws -> (latitude: Double, longitude: Double) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let lat = Double(parts[0]), let lon = Double(parts[1]), lat.isFinite, lon.isFinite else {
            throw fail("a position is LAT,LON in decimal degrees (such as 38.7223,-9.1393), not '\(text)'")
        }
        return (lat, lon)
    }

    /// `S,W,N,E` in decimal degrees.
    static func box(_ text: String) throws -> GeoArea {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let s = parts[0], let w = parts[1], let n = parts[2], let e = parts[3] else {
            throw fail("a box is SOUTH,WEST,NORTH,EAST in decimal degrees (such as 38.6,-9.3,38.8,-9.0), not '\(text)'")
        }
        return .box(south: s, west: w, north: n, east: e)
    }

    /// `YYYY-MM-DD`: the start of that day.
    static func day(_ text: String, _ option: String) throws -> LocalDateTime {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2D, b[7] == 0x2D, let y = digits(b, 0, 4), let m = digits(b, 5, 2), let d = digits(b, 8, 2),
              let day = LocalDateTime(year: y, month: m, day: d, hour: 0, minute: 0, second: 0) else {
            throw fail("\(option) takes a date YYYY-MM-DD, not '\(text)'")
        }
        return day
    }

    /// The start of the day after `day`.
    static func dayAfter(_ day: LocalDateTime) -> LocalDateTime {
        LocalDateTime(secondsSinceEpoch: day.secondsSinceEpochAsUTC + 86_400, offsetSeconds: 0)
    }

    /// A shift of time, `±` then numbers with units d, h, m, s (`+1h`, `-1d2h30m`), in seconds;
    /// `nil` when `text` is not one.
    static func shift(_ text: String) -> Int? {
        guard let sign = text.first, sign == "+" || sign == "-", text.count > 2 else { return nil }
        var total = 0
        var number: Int?
        for c in text.dropFirst() {
            if let digit = c.wholeNumberValue, c.isASCII {
                let (times, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(digit)
                guard !o1, !o2 else { return nil }
                number = sum
                continue
            }
            let unit: Int
            switch c {
            case "d": unit = 86_400
            case "h": unit = 3600
            case "m": unit = 60
            case "s": unit = 1
            default: return nil
            }
            guard let n = number else { return nil }
            let (part, o1) = n.multipliedReportingOverflow(by: unit)
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o1, !o2 else { return nil }
            total = sum
            number = nil
        }
        guard number == nil else { return nil }  // a number without a unit
        return sign == "-" ? -total : total
    }

    /// `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`: the local time and, when written, the UTC offset.
    static func dateTime(_ text: String) throws -> (local: LocalDateTime, offsetSeconds: Int?) {
        guard let date = CaptureDate(iso8601: text, source: Library.editSource) else {
            throw fail("a date and time is YYYY-MM-DDTHH:MM:SS[.fff][±HH:MM] (such as 2019-07-14T20:41:00+01:00), not '\(text)'")
        }
        return (date.local, date.offsetSeconds)
    }

    private static func digits(_ b: [UInt8], _ at: Int, _ count: Int) -> Int? {
        guard at + count <= b.count else { return nil }
        var v = 0
        for c in b[at..<(at + count)] {
            guard (0x30...0x39).contains(c) else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }

    // MARK: Output

    /// The `media ls` text line: id, capture time, format, size, file name.
    static func line(_ asset: Asset) -> String {
        let m = asset.metadata
        let size = m.width.flatMap { w in m.height.map { "\(w)x\($0)" } } ?? "-"
        return "\(asset.id)  \(m.capturedAt?.text ?? "-")  \(m.format.rawValue)  \(size)  \(asset.originalFilename)"
    }

    /// The `media ls --json` line with more keys, all sorted.
    static func jsonLine(_ asset: Asset, adding extra: [String: Any]) -> String {
        var object = (try? JSONSerialization.jsonObject(with: Data(AssetRecord(asset).jsonLine().utf8))) as? [String: Any] ?? [:]
        object.merge(extra) { _, new in new }
        return json(object)
    }

    /// One JSON object on one line, keys sorted.
    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// ISO 8601 in UTC, as `media show --json` prints dates.
    static func iso(_ date: Date?) -> Any {
        date.map { $0.formatted(.iso8601) } ?? NSNull()
    }

    /// `marked 2 assets, 1 unchanged`.
    static func changed(_ verb: String, _ changed: Int, of given: Int, _ tail: String = "") -> String {
        "\(verb) \(count(changed))\(tail)" + (given > changed ? ", \(given - changed) unchanged" : "")
    }

    /// `n asset(s)`.
    static func count(_ n: Int, _ noun: String = "asset") -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}

/// Which assets a listing shows besides the timeline: `--archived`, `--hidden`, `--trashed` or
/// `--all` (shared by `media ls` and `media search`).
struct ScopeOptions: ParsableArguments {
    enum Scope: String, EnumerableFlag {
        case archived, hidden, trashed, all

        static func help(for value: Scope) -> ArgumentHelp? {
            switch value {
            case .archived: "Only archived assets (out of the timeline)."
            case .hidden: "Only hidden assets."
            case .trashed: "Only assets in the trash."
            case .all: "Every asset: timeline, archived, hidden and trashed."
            }
        }
    }

    @Flag var scope: Scope?

    /// Sets the query's visibility and trash scope (default: the timeline, not the trash).
    func apply(to query: inout AssetQuery) {
        switch scope {
        case nil: break
        case .archived: query.visibility = [.archive]
        case .hidden: query.visibility = [.hidden]
        case .trashed: query.visibility = Set(AssetVisibility.allCases); query.trash = .only
        case .all: query.visibility = Set(AssetVisibility.allCases); query.trash = .include
        }
    }
}

extension Library {
    /// Every asset matching `query`, page by page through the search cursor, until `limit`.
    func eachAsset(_ query: AssetQuery, limit: Int? = nil, _ body: (Asset) throws -> Void) throws {
        try eachPage(query, limit: limit) { page in for asset in page { try body(asset) } }
    }

    /// The assets of a search, a page (of up to 1,000) at a time, at most `limit` in all.
    func eachPage(_ query: AssetQuery, limit: Int? = nil, _ body: ([Asset]) throws -> Void) throws {
        var left = limit ?? Int.max
        var cursor: SearchCursor?
        while left > 0 {
            let size = min(1000, left), after = cursor
            let page = try CLI.sdk { () throws(MediaStoreError) in try search(query, after: after, limit: size) }
            try body(Array(page.assets.prefix(left)))
            left -= page.assets.count
            guard let next = page.next else { return }
            cursor = next
        }
    }
}
