import Foundation
import MediaCore

/// SplitMix64: small, fast, and the same sequence on every platform.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in 0..<1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// Realistic synthetic assets: asset `i` depends only on the seed and `i` (the same for every N),
/// so a library can be regenerated, and the id of any asset recomputed, without keeping them.
///
/// - Capture dates spread uniformly over 20 years (2006–2025), local wall-clock time; 65 % with
///   a UTC offset (phones since ~2017 write one), 1 % with no date at all.
/// - Make/model/lens/pixel size/format from 12 device profiles (phones, cameras, screenshots,
///   videos), with exposure settings; about 60 % with GPS (20 cities ± 20 km), most with altitude.
/// - Stored `.external(path: "/synthetic/...")`: no bytes exist; the hash is that of a unique
///   string, so no two assets collide.
struct SyntheticAssets: Sendable {
    let seed: UInt64
    let owner: UserID

    struct Device: Sendable {
        var make: String?
        var model: String?
        var lens: String?
        var format: MediaFormat
        var width: Int
        var height: Int
        var sizeMiB: ClosedRange<Int>   // tenths of a MiB
        var prefix: String
        var dateSource: String
        var weight: Int
        var video = false
        var subSeconds = false
    }

    static let devices: [Device] = [
        Device(make: "Apple", model: "iPhone 6", lens: "iPhone 6 back camera 4.15mm f/2.2", format: .jpeg, width: 3264, height: 2448,
               sizeMiB: 15...30, prefix: "IMG_", dateSource: "EXIF:DateTimeOriginal", weight: 10, subSeconds: true),
        Device(make: "Apple", model: "iPhone 13 Pro", lens: "iPhone 13 Pro back triple camera 5.7mm f/1.5", format: .heic,
               width: 4032, height: 3024, sizeMiB: 12...35, prefix: "IMG_", dateSource: "EXIF:DateTimeOriginal", weight: 22, subSeconds: true),
        Device(make: "Google", model: "Pixel 7", lens: nil, format: .jpeg, width: 4080, height: 3072,
               sizeMiB: 20...50, prefix: "PXL_", dateSource: "EXIF:DateTimeOriginal", weight: 14, subSeconds: true),
        Device(make: "samsung", model: "SM-G991B", lens: nil, format: .jpeg, width: 4000, height: 3000,
               sizeMiB: 20...55, prefix: "", dateSource: "EXIF:DateTimeOriginal", weight: 12, subSeconds: true),
        Device(make: "Canon", model: "Canon EOS 5D Mark II", lens: "EF24-105mm f/4L IS USM", format: .jpeg, width: 5616, height: 3744,
               sizeMiB: 40...90, prefix: "IMG_", dateSource: "EXIF:DateTimeOriginal", weight: 6),
        Device(make: "Canon", model: "Canon EOS R6", lens: "RF24-105mm F4 L IS USM", format: .cr3, width: 5472, height: 3648,
               sizeMiB: 200...300, prefix: "IMG_", dateSource: "EXIF:DateTimeOriginal", weight: 4),
        Device(make: "NIKON CORPORATION", model: "NIKON D7000", lens: "18.0-105.0 mm f/3.5-5.6", format: .nef, width: 4928, height: 3264,
               sizeMiB: 150...250, prefix: "DSC_", dateSource: "EXIF:DateTimeOriginal", weight: 4),
        Device(make: "SONY", model: "ILCE-7M3", lens: "FE 28-70mm F3.5-5.6 OSS", format: .arw, width: 6000, height: 4000,
               sizeMiB: 230...260, prefix: "DSC0", dateSource: "EXIF:DateTimeOriginal", weight: 4),
        Device(make: "FUJIFILM", model: "X-T4", lens: "XF18-55mmF2.8-4 R LM OIS", format: .jpeg, width: 6240, height: 4160,
               sizeMiB: 90...160, prefix: "DSCF", dateSource: "EXIF:DateTimeOriginal", weight: 4),
        Device(make: nil, model: nil, lens: nil, format: .png, width: 1170, height: 2532,
               sizeMiB: 5...30, prefix: "Screenshot_", dateSource: "XMP:DateCreated", weight: 8),
        Device(make: "Apple", model: "iPhone 13 Pro", lens: nil, format: .mov, width: 1920, height: 1080,
               sizeMiB: 100...2000, prefix: "IMG_", dateSource: "QuickTime:CreationDate", weight: 8, video: true),
        Device(make: "Google", model: "Pixel 7", lens: nil, format: .mp4, width: 1920, height: 1080,
               sizeMiB: 100...2000, prefix: "PXL_", dateSource: "QuickTime:CreateDate", weight: 4, video: true),
    ]

    private static let weighted: [Int] = devices.indices.flatMap { Array(repeating: $0, count: devices[$0].weight) }

    static let apertures: [Double] = [1.5, 1.8, 2.2, 2.8, 4.0, 5.6, 8.0, 11.0]
    static let shutterDenominators: [Double] = [4000, 1000, 250, 120, 60, 30, 8]
    static let isos: [Int] = [50, 100, 200, 400, 800, 1600, 3200, 6400]
    static let focalLengths: [Double] = [4.2, 5.7, 6.9, 24, 35, 50, 70, 105]

    static let offsets: [Int] = [-28800, -25200, -21600, -18000, -14400, -10800, 0, 3600, 7200, 10800, 19800, 28800, 32400, 34200, 36000, 43200]

    static let cities: [(Double, Double, Double)] = [
        (48.8566, 2.3522, 35), (40.7128, -74.0060, 10), (35.6762, 139.6503, 40), (51.5074, -0.1278, 11),
        (-33.8688, 151.2093, 58), (-22.9068, -43.1729, 5), (52.5200, 13.4050, 34), (41.9028, 12.4964, 21),
        (37.7749, -122.4194, 16), (19.4326, -99.1332, 2240), (-1.2921, 36.8219, 1795), (31.5590, 35.4732, -430),
        (64.1466, -21.9426, 20), (1.3521, 103.8198, 15), (28.6139, 77.2090, 216), (-34.6037, -58.3816, 25),
        (55.7558, 37.6173, 156), (30.0444, 31.2357, 23), (46.5197, 6.6323, 495), (-77.8463, 166.6682, 10),
    ]

    /// 2006-01-01T00:00:00 and the length of 20 years, as seconds of local wall-clock time.
    static let firstSecond = 1_136_073_600.0
    static let span = 631_152_000.0

    /// Creates the generator for `seed`; assets belong to `owner`.
    init(seed: UInt64, owner: UserID) {
        self.seed = seed
        self.owner = owner
    }

    private func rng(_ index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(index))
        return SplitMix64(seed: mixer.next())
    }

    /// The id of asset `index` (its generator's first draw).
    func id(_ index: Int) -> AssetID {
        var r = rng(index)
        return Self.id(&r)
    }

    private static func id(_ r: inout SplitMix64) -> AssetID {
        var b = [UInt8](repeating: 0, count: 16)
        var a = r.next(), c = r.next()
        for k in 0..<8 { b[k] = UInt8(truncatingIfNeeded: a); a >>= 8 }
        for k in 8..<16 { b[k] = UInt8(truncatingIfNeeded: c); c >>= 8 }
        b[6] = b[6] & 0x0F | 0x40   // version 4
        b[8] = b[8] & 0x3F | 0x80   // RFC 4122 variant
        return AssetID(UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])))
    }

    /// The unique bytes asset `index` stands for.
    func contentKey(_ index: Int) -> String { "mediabench:\(seed):\(index)" }

    /// Asset `index`.
    func asset(_ index: Int) -> Asset {
        var r = rng(index)
        let id = Self.id(&r)
        let device = Self.devices[Self.weighted[Int(r.next() % UInt64(Self.weighted.count))]]
        var m = MediaMetadata(format: device.format)

        // Pixel size and orientation: a quarter of the photos are portraits stored on their side.
        m.pixelWidth = device.width
        m.pixelHeight = device.height
        if device.video {
            m.duration = Output.round(1 + r.unit() * r.unit() * 180, 3)
            m.rotation = r.chance(0.3) ? 90 : 0
        } else if device.format != .png {
            m.orientation = r.chance(0.25) ? 6 : 1
        }
        m.sources[.pixelSize] = device.video ? "QuickTime:ImageWidth" : "EXIF:ExifImageWidth"

        // Capture date.
        let local = LocalDateTime(secondsSinceEpoch: Self.firstSecond + (r.unit() * Self.span).rounded(.down), offsetSeconds: 0)
        var captured: CaptureDate?
        if !r.chance(0.01) {
            var wallClock = local
            if device.subSeconds { wallClock.millisecond = r.int(0...999) }
            let offset: Int? = r.chance(0.65) ? r.pick(Self.offsets) : nil
            captured = CaptureDate(local: wallClock, offsetSeconds: offset, source: device.dateSource)
            m.capturedAt = captured
            m.sources[.capturedAt] = device.dateSource
        }

        // Camera and exposure.
        if let make = device.make, let model = device.model {
            m.make = make
            m.model = model
            m.lens = device.lens
            m.sources[.make] = device.video ? "QuickTime:Make" : "EXIF:Make"
            m.sources[.model] = device.video ? "QuickTime:Model" : "EXIF:Model"
            if !device.video {
                m.fNumber = r.pick(Self.apertures)
                m.exposureTime = 1 / r.pick(Self.shutterDenominators)
                m.iso = r.pick(Self.isos)
                m.focalLength = r.pick(Self.focalLengths)
                m.sources[.fNumber] = "EXIF:FNumber"
                m.sources[.exposureTime] = "EXIF:ExposureTime"
                m.sources[.iso] = "EXIF:ISO"
                m.sources[.focalLength] = "EXIF:FocalLength"
            }
        }

        // Place: about 60 %.
        if device.make != nil, r.chance(0.64) {
            let (lat, lon, alt) = r.pick(Self.cities)
            let dLat = (r.unit() - 0.5) * 0.4, dLon = (r.unit() - 0.5) * 0.4
            m.location = GPSLocation(latitude: Output.round(lat + dLat, 6), longitude: Output.round(lon + dLon, 6),
                                     altitude: r.chance(0.8) ? Output.round(alt + r.unit() * 30, 1) : nil)
            m.sources[.location] = device.video ? "QuickTime:GPSCoordinates" : "EXIF:GPSLatitude"
        }
        if r.chance(0.02) { m.rating = r.int(1...5) }

        let ext: String = switch device.format {
        case .jpeg: device.make == "Apple" ? "JPG" : "jpg"
        case .heic: "HEIC"
        case .png: "png"
        case .mov: "MOV"
        case .mp4: "mp4"
        case .cr3: "CR3"
        case .nef: "NEF"
        case .arw: "ARW"
        default: device.format.rawValue
        }
        let number = String(index % 10_000 + 10_000).dropFirst()
        let name = device.prefix + number + "." + ext
        let year = captured.map { String($0.local.year) } ?? "undated"
        let path = "/synthetic/\(year)/\(index / 1000)/\(name)"
        let size = Int64(device.sizeMiB.lowerBound + Int(r.next() % UInt64(device.sizeMiB.count))) * 104_857 + Int64(r.int(0...99_999))

        var asset = Asset(id: id, ownerID: owner, hash: ContentHash.of(Array(contentKey(index).utf8)), size: size,
                          originalFilename: name, metadata: m, storage: .external(path: path), sourcePath: path,
                          createdAt: Date(timeIntervalSince1970: 1_764_000_000 + Double(index) / 1000))
        let modified = (captured?.instant?.timeIntervalSince1970 ?? (local.secondsSinceEpochAsUTC)) + Double(r.int(0...5))
        asset.fileModifiedAt = Date(timeIntervalSince1970: modified)
        asset.isFavorite = r.chance(0.03)
        return asset
    }
}
