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

/// The synthetic library of `mediabench search`: what a family's photo library of a million
/// assets looks like to the search filters. Asset `i` depends only on the seed and `i`.
///
/// - Capture times over 20 years (2006–2025), more each year (the last year 8× the first); 3 %
///   without one. Each year's cameras are those on sale then.
/// - 58 camera models of 19 makes, each of its years, weighted (phones dominate: Apple about
///   half), lenses per model; about 7 % videos (phones, action cameras, a drone), 4 %
///   screenshots without a camera.
/// - GPS on about 30 % (phones more, drones always), around ~1,000 real towns (GeoNames, through
///   MediaCore's ``ReverseGeocoder``; their popularity Zipf-weighted), a few km of spread; the
///   place (city, region, country) named by the geocoder, as an import does.
/// - 5 % favourites, ratings on 20 %, descriptions (3–9 words) on 10 %, 3 % archived, 0.2 %
///   hidden, 1 % in the trash; file names as cameras write them (`IMG_1234.JPG`, `DSC_0042.NEF`,
///   `PXL_20210612_103422123.jpg`, `20190704_181203.jpg`, `Screenshot_20200101-101010.png`).
/// - 10 % belong to a second owner.
struct SearchSyntheticAssets: Sendable {
    let seed: UInt64
    let owners: (first: UserID, second: UserID)
    /// Towns the GPS positions are around (real places), most popular first.
    let anchors: [Place]
    private let anchorCumulative: [Double]
    private let geocoder: ReverseGeocoder?

    struct Camera: Sendable {
        var make: String?
        var model: String?
        var lenses: [String]
        var format: MediaFormat
        var years: ClosedRange<Int>
        var weight: Double
        var naming: Naming
        var gps: Double
        var videoFormat: MediaFormat?
        var width = 4032, height = 3024
    }

    enum Naming: Sendable { case img, dsc, dscf, dsc0, pxl, samsung, huawei, screenshot, gopro, dji, p1000 }

    /// The cameras, heaviest first within each make (weights are relative, Zipf-like overall).
    static let cameras: [Camera] = {
        func apple(_ model: String, _ years: ClosedRange<Int>, _ w: Double, _ lens: [String]) -> Camera {
            Camera(make: "Apple", model: model, lenses: lens, format: years.lowerBound >= 2017 ? .heic : .jpeg, years: years,
                   weight: w, naming: .img, gps: 0.45, videoFormat: .mov)
        }
        func android(_ make: String, _ model: String, _ years: ClosedRange<Int>, _ w: Double, _ naming: Naming) -> Camera {
            Camera(make: make, model: model, lenses: [], format: .jpeg, years: years, weight: w, naming: naming, gps: 0.40, videoFormat: .mp4)
        }
        func camera(_ make: String, _ model: String, _ years: ClosedRange<Int>, _ w: Double, _ format: MediaFormat,
                    _ naming: Naming, _ lenses: [String]) -> Camera {
            Camera(make: make, model: model, lenses: lenses, format: format, years: years, weight: w, naming: naming, gps: 0.08,
                   videoFormat: nil, width: 6000, height: 4000)
        }
        return [
            apple("iPhone 3GS", 2009...2011, 3, ["iPhone 3GS back camera 3.85mm f/2.8"]),
            apple("iPhone 4", 2010...2013, 6, ["iPhone 4 back camera 3.85mm f/2.8"]),
            apple("iPhone 4S", 2011...2014, 8, ["iPhone 4S back camera 4.28mm f/2.4"]),
            apple("iPhone 5", 2012...2015, 9, ["iPhone 5 back camera 4.12mm f/2.4"]),
            apple("iPhone 5s", 2013...2016, 10, ["iPhone 5s back camera 4.12mm f/2.2", "iPhone 5s front camera 2.15mm f/2.4"]),
            apple("iPhone 6", 2014...2017, 14, ["iPhone 6 back camera 4.15mm f/2.2", "iPhone 6 front camera 2.65mm f/2.2"]),
            apple("iPhone 6s", 2015...2018, 14, ["iPhone 6s back camera 4.15mm f/2.2", "iPhone 6s front camera 2.65mm f/2.2"]),
            apple("iPhone 7", 2016...2019, 14, ["iPhone 7 back camera 3.99mm f/1.8", "iPhone 7 front camera 2.87mm f/2.2"]),
            apple("iPhone 8", 2017...2020, 12, ["iPhone 8 back camera 3.99mm f/1.8"]),
            apple("iPhone X", 2017...2021, 12, ["iPhone X back dual camera 4mm f/1.8", "iPhone X back dual camera 6mm f/2.4"]),
            apple("iPhone XR", 2018...2022, 10, ["iPhone XR back camera 4.25mm f/1.8"]),
            apple("iPhone 11", 2019...2023, 16, ["iPhone 11 back dual wide camera 4.25mm f/1.8", "iPhone 11 back dual camera 1.54mm f/2.4"]),
            apple("iPhone 11 Pro", 2019...2023, 10, ["iPhone 11 Pro back triple camera 4.25mm f/1.8", "iPhone 11 Pro back triple camera 6mm f/2"]),
            apple("iPhone 12", 2020...2024, 14, ["iPhone 12 back dual wide camera 4.2mm f/1.6"]),
            apple("iPhone 12 Pro", 2020...2024, 10, ["iPhone 12 Pro back triple camera 4.2mm f/1.6", "iPhone 12 Pro back triple camera 6mm f/2"]),
            apple("iPhone 13", 2021...2025, 14, ["iPhone 13 back dual wide camera 5.1mm f/1.6"]),
            apple("iPhone 13 Pro", 2021...2025, 16, ["iPhone 13 Pro back triple camera 5.7mm f/1.5", "iPhone 13 Pro back triple camera 9mm f/2.8",
                                                     "iPhone 13 Pro front TrueDepth camera 2.71mm f/2.2"]),
            apple("iPhone 14 Pro", 2022...2025, 14, ["iPhone 14 Pro back triple camera 6.86mm f/1.78"]),
            apple("iPhone 15 Pro", 2023...2025, 14, ["iPhone 15 Pro back triple camera 6.765mm f/1.78"]),
            android("samsung", "GT-I9100", 2011...2014, 5, .samsung),
            android("samsung", "SM-G920F", 2015...2018, 6, .samsung),
            android("samsung", "SM-G950F", 2017...2020, 7, .samsung),
            android("samsung", "SM-G973F", 2019...2022, 7, .samsung),
            android("samsung", "SM-G991B", 2021...2025, 8, .samsung),
            android("samsung", "SM-A515F", 2020...2024, 4, .samsung),
            android("Google", "Pixel 3", 2018...2021, 4, .pxl),
            android("Google", "Pixel 4a", 2020...2023, 4, .pxl),
            android("Google", "Pixel 6", 2021...2024, 5, .pxl),
            android("Google", "Pixel 7", 2022...2025, 6, .pxl),
            android("Google", "Pixel 8 Pro", 2023...2025, 4, .pxl),
            android("HUAWEI", "ELE-L29", 2019...2022, 3, .huawei),
            android("Xiaomi", "M2101K6G", 2021...2024, 2, .img),
            android("OnePlus", "ONEPLUS A6003", 2018...2021, 2, .img),
            android("motorola", "moto g(7) power", 2019...2022, 1, .img),
            android("HTC", "HTC Desire", 2010...2013, 2, .img),
            android("Sony Ericsson", "K800i", 2006...2009, 3, .dsc0),
            android("NOKIA", "N95", 2007...2010, 3, .img),
            camera("Canon", "Canon PowerShot S95", 2010...2014, 3, .jpeg, .img, []),
            camera("Canon", "Canon EOS 400D DIGITAL", 2006...2010, 4, .jpeg, .img, ["EF-S18-55mm f/3.5-5.6", "EF50mm f/1.8 II"]),
            camera("Canon", "Canon EOS 550D", 2010...2015, 5, .cr2, .img, ["EF-S18-55mm f/3.5-5.6 IS", "EF-S55-250mm f/4-5.6 IS", "EF50mm f/1.8 II"]),
            camera("Canon", "Canon EOS 5D Mark II", 2009...2016, 5, .cr2, .img, ["EF24-105mm f/4L IS USM", "EF70-200mm f/4L USM", "EF50mm f/1.4 USM"]),
            camera("Canon", "Canon EOS 6D", 2013...2019, 4, .cr2, .img, ["EF24-105mm f/4L IS USM", "EF35mm f/2 IS USM"]),
            camera("Canon", "Canon EOS R6", 2020...2025, 4, .cr3, .img, ["RF24-105mm F4 L IS USM", "RF50mm F1.8 STM", "RF100-400mm F5.6-8 IS USM"]),
            camera("NIKON CORPORATION", "NIKON D90", 2008...2013, 4, .nef, .dsc, ["18.0-105.0 mm f/3.5-5.6", "35.0 mm f/1.8"]),
            camera("NIKON CORPORATION", "NIKON D7000", 2010...2016, 4, .nef, .dsc, ["18.0-105.0 mm f/3.5-5.6", "70.0-300.0 mm f/4.5-5.6"]),
            camera("NIKON CORPORATION", "NIKON D750", 2014...2021, 3, .nef, .dsc, ["24.0-120.0 mm f/4.0", "50.0 mm f/1.8"]),
            camera("NIKON CORPORATION", "NIKON Z 6", 2019...2025, 2, .nef, .dsc, ["NIKKOR Z 24-70mm f/4 S"]),
            camera("SONY", "ILCE-6000", 2014...2020, 3, .arw, .dsc0, ["E PZ 16-50mm F3.5-5.6 OSS", "E 35mm F1.8 OSS"]),
            camera("SONY", "ILCE-7M3", 2018...2025, 3, .arw, .dsc0, ["FE 28-70mm F3.5-5.6 OSS", "FE 85mm F1.8"]),
            camera("SONY", "DSC-RX100M3", 2014...2019, 2, .jpeg, .dsc0, []),
            camera("FUJIFILM", "X-T2", 2016...2021, 2, .raf, .dscf, ["XF18-55mmF2.8-4 R LM OIS", "XF23mmF2 R WR"]),
            camera("FUJIFILM", "X-T4", 2020...2025, 2, .raf, .dscf, ["XF16-80mmF4 R OIS WR"]),
            camera("FUJIFILM", "X100V", 2020...2025, 2, .jpeg, .dscf, []),
            camera("OLYMPUS IMAGING CORP.", "E-M10", 2014...2018, 2, .jpeg, .p1000, ["OLYMPUS M.14-42mm F3.5-5.6 II R"]),
            camera("Panasonic", "DMC-GX80", 2016...2020, 1, .jpeg, .p1000, ["LUMIX G VARIO 12-32/F3.5-5.6"]),
            camera("LEICA CAMERA AG", "LEICA Q2", 2019...2025, 1, .jpeg, .p1000, ["SUMMILUX 1:1.7/28 ASPH."]),
            Camera(make: "GoPro", model: "HERO9 Black", lenses: [], format: .jpeg, years: 2020...2025, weight: 2, naming: .gopro, gps: 0.6,
                   videoFormat: .mp4),
            Camera(make: "DJI", model: "FC3170", lenses: [], format: .jpeg, years: 2020...2025, weight: 1, naming: .dji, gps: 0.98,
                   videoFormat: .mp4),
        ]
    }()

    /// Screenshots: no camera, no position.
    static let screenshot = Camera(make: nil, model: nil, lenses: [], format: .png, years: 2006...2025, weight: 0,
                                   naming: .screenshot, gps: 0, videoFormat: nil, width: 1170, height: 2532)

    /// Per year (2006...2025), cumulative weights over `cameras` of the cameras on sale then.
    private static let yearTables: [[Double]] = (2006...2025).map { year in
        var total = 0.0
        return cameras.map { camera in
            if camera.years.contains(year) { total += camera.weight }
            return total
        }
    }

    /// Words of descriptions, most frequent first (Zipf).
    static let words: [String] = """
        beach sunset family birthday party kids dinner lunch breakfast trip holiday summer winter spring autumn snow \
        mountain hike lake river sea boat harbour bridge castle church museum market garden park forest tree flowers \
        dog cat horse birds garden picnic wedding anniversary christmas easter graduation school first day friends \
        grandma grandpa mum dad uncle aunt cousins baby newborn smile laughing playing swimming pool camping tent fire \
        night stars moon city street old town square cathedral tower view panorama skyline rooftop festival concert \
        music band stage dance football match stadium bike ride road car train station airport flight plane hotel \
        breakfast café restaurant pizza pasta sushi cake ice cream coffee wine cheese bread fish seafood barbecue \
        house kitchen living room balcony terrace rain fog storm clouds rainbow autumn leaves frost sunrise morning \
        evening golden hour portrait selfie group photo reunion visit home return departure arrival road trip \
        island volcano waterfall glacier desert canyon valley vineyard farm village country side cliffs lighthouse \
        são joão crème brûlée münchen zürich smörgåsbord fiesta noël piñata señora jalapeño
        """.split(separator: " ").map(String.init)

    /// Creates the generator; `geocoder` names the places of positions (and finds the towns).
    init(seed: UInt64, owners: (UserID, UserID), geocoder: ReverseGeocoder?) {
        self.seed = seed
        self.owners = owners
        self.geocoder = geocoder
        var anchors: [Place] = []
        if let geocoder {
            // Towns near 110 world cities, taken in turn, up to 150 km out: ~9 per city.
            var r = SplitMix64(seed: seed ^ 0xA11C_4025)
            var seen = Set<String>()
            var attempt = 0
            while anchors.count < 1000, attempt < 20_000 {
                let (lat, lon) = Self.worldCities[attempt % Self.worldCities.count]
                attempt += 1
                let distance = r.unit() * r.unit() * 150_000, bearing = r.unit() * 2 * .pi
                let dLat = distance * cos(bearing) / 111_195
                let dLon = distance * sin(bearing) / (111_195 * max(0.05, cos(lat * .pi / 180)))
                guard let place = geocoder.place(latitude: lat + dLat, longitude: lon + dLon, within: 10_000),
                      seen.insert(place.city + "|" + place.countryCode).inserted else { continue }
                anchors.append(place)
            }
            // Popularity: a random order (the seed's), Zipf-weighted.
            for i in stride(from: anchors.count - 1, to: 0, by: -1) { anchors.swapAt(i, Int(r.next() % UInt64(i + 1))) }
        }
        self.anchors = anchors
        var total = 0.0
        anchorCumulative = anchors.indices.map { total += 1 / Double($0 + 1); return total }
    }

    private func rng(_ index: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed &* 0x9E6C_63D0_676A_9A99 ^ UInt64(index) ^ 0x5EA2C4)
        return SplitMix64(seed: mixer.next())
    }

    private static func pick(_ cumulative: [Double], _ r: inout SplitMix64) -> Int {
        let x = r.unit() * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// A year from 2006...2025, each year `1 + 7 (y - 2006) / 19` times as likely as 2006.
    private static func year(_ r: inout SplitMix64) -> Int {
        let weights = (0..<20).map { 1 + 7 * Double($0) / 19 }
        var total = 0.0
        let cumulative = weights.map { total += $0; return total }
        return 2006 + pick(cumulative, &r)
    }

    private static let wordCumulative: [Double] = {
        var total = 0.0
        return words.indices.map { total += 1 / Double($0 + 1); return total }
    }()

    /// A word of descriptions, Zipf-weighted.
    static func word(_ r: inout SplitMix64) -> String { words[pick(wordCumulative, &r)] }

    /// What the fill needs to know of asset `index` besides the asset itself.
    struct Facts: Sendable {
        var localSeconds: Double?   // local wall-clock seconds since 1970, nil when undated
        var secondOwner: Bool
        var inTimeline: Bool        // not trashed, archived or hidden
    }

    /// Asset `index`.
    func asset(_ index: Int) -> (Asset, Facts) {
        var r = rng(index)
        var idBytes = [UInt8](repeating: 0, count: 16)
        var a = r.next(), c = r.next()
        for k in 0..<8 { idBytes[k] = UInt8(truncatingIfNeeded: a); a >>= 8 }
        for k in 8..<16 { idBytes[k] = UInt8(truncatingIfNeeded: c); c >>= 8 }
        idBytes[6] = idBytes[6] & 0x0F | 0x40
        idBytes[8] = idBytes[8] & 0x3F | 0x80
        let b = idBytes
        let id = AssetID(UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])))
        let secondOwner = r.chance(0.10)

        // When: the year first (more photos each year), then any second of it.
        let year = Self.year(&r)
        let yearStart = LocalDateTime(year: year, month: 1, day: 1, hour: 0, minute: 0, second: 0)!.secondsSinceEpochAsUTC
        let yearEnd = LocalDateTime(year: year + 1, month: 1, day: 1, hour: 0, minute: 0, second: 0)!.secondsSinceEpochAsUTC
        let seconds = (yearStart + r.unit() * (yearEnd - yearStart)).rounded(.down)
        let local = LocalDateTime(secondsSinceEpoch: seconds, offsetSeconds: 0)
        let dated = !r.chance(0.03)

        // What with: 4 % screenshots, the rest a camera of that year.
        let isScreenshot = r.chance(0.04)
        let camera = isScreenshot ? Self.screenshot : Self.cameras[Self.pick(Self.yearTables[year - 2006], &r)]
        let isVideo = camera.videoFormat != nil && r.chance(camera.make == "GoPro" || camera.make == "DJI" ? 0.4 : 0.09)
        let format = isVideo ? camera.videoFormat! : camera.format
        var m = MediaMetadata(format: format)
        m.pixelWidth = isVideo ? 1920 : camera.width
        m.pixelHeight = isVideo ? 1080 : camera.height
        if isVideo {
            m.duration = Output.round(1 + r.unit() * r.unit() * 180, 3)
        } else if format != .png {
            m.orientation = r.chance(0.25) ? 6 : 1
        }
        var wallClock = local
        if dated {
            if camera.make != nil, camera.videoFormat != nil { wallClock.millisecond = r.int(0...999) }
            let offset: Int? = r.chance(0.65) ? r.pick(SyntheticAssets.offsets) : nil
            m.capturedAt = CaptureDate(local: wallClock, offsetSeconds: offset, source: isVideo ? "QuickTime:CreationDate" : "EXIF:DateTimeOriginal")
            m.sources[.capturedAt] = m.capturedAt?.source
        }
        if let make = camera.make {
            m.make = make
            m.model = camera.model
            if !camera.lenses.isEmpty, !isVideo { m.lens = r.chance(0.6) ? camera.lenses[0] : r.pick(camera.lenses) }
            if !isVideo {
                m.fNumber = r.pick(SyntheticAssets.apertures)
                m.exposureTime = 1 / r.pick(SyntheticAssets.shutterDenominators)
                m.iso = r.pick(SyntheticAssets.isos)
                m.focalLength = r.pick(SyntheticAssets.focalLengths)
            }
        }

        // Where: around a town, a few km out, named as an import names it.
        var place: Place?
        if !anchors.isEmpty, r.chance(camera.gps) {
            let town = anchors[Self.pick(anchorCumulative, &r)]
            let spread = 4_000 * (-log(max(1e-12, r.unit()))).squareRoot(), bearing = r.unit() * 2 * .pi
            let lat = min(89.9, max(-89.9, town.latitude + spread * cos(bearing) / 111_195))
            var lon = town.longitude + spread * sin(bearing) / (111_195 * max(0.05, cos(town.latitude * .pi / 180)))
            if lon > 180 { lon -= 360 } else if lon < -180 { lon += 360 }
            m.location = GPSLocation(latitude: Output.round(lat, 6), longitude: Output.round(lon, 6), altitude: r.chance(0.7) ? Double(r.int(0...900)) : nil)
            m.sources[.location] = isVideo ? "QuickTime:GPSCoordinates" : "EXIF:GPSLatitude"
            place = geocoder?.place(latitude: lat, longitude: lon)
        }

        // How the owner organised it.
        if r.chance(0.20) {
            let x = r.unit()
            m.rating = x < 0.05 ? -1 : x < 0.10 ? 0 : x < 0.20 ? 1 : x < 0.35 ? 2 : x < 0.62 ? 3 : x < 0.85 ? 4 : 5
        }
        if r.chance(0.10) {
            m.caption = (0..<r.int(3...9)).map { _ in Self.word(&r) }.joined(separator: " ")
        }

        let name = Self.filename(camera.naming, format: format, isVideo: isVideo, local: wallClock, index: index, r: &r)
        let path = "/synthetic-search/\(dated ? String(year) : "undated")/\(index / 1000)/\(name)"
        let size = Int64(isVideo ? r.int(20...900) : r.int(1...60)) * 1_048_576 + Int64(r.int(0...1_048_575))
        let key = "mediabench-search:\(seed):\(index)"
        var asset = Asset(id: id, ownerID: secondOwner ? owners.second : owners.first, hash: ContentHash.of(Array(key.utf8)),
                          size: size, originalFilename: name, metadata: m, storage: .external(path: path), sourcePath: path,
                          createdAt: Date(timeIntervalSince1970: 1_764_000_000 + Double(index) / 1000))
        asset.fileModifiedAt = Date(timeIntervalSince1970: seconds + Double(r.int(0...5)))
        asset.place = place
        asset.isFavorite = r.chance(0.05)
        let state = r.unit()
        if state < 0.01 {
            asset.trashedAt = Date(timeIntervalSince1970: 1_764_000_000 - Double(r.int(0...2_000_000)))
        } else if state < 0.04 {
            asset.visibility = .archive
        } else if state < 0.042 {
            asset.visibility = .hidden
        }
        let facts = Facts(localSeconds: dated ? seconds : nil, secondOwner: secondOwner,
                          inTimeline: asset.trashedAt == nil && asset.visibility == .timeline)
        return (asset, facts)
    }

    private static func filename(_ naming: Naming, format: MediaFormat, isVideo: Bool, local t: LocalDateTime, index: Int,
                                 r: inout SplitMix64) -> String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let number = pad(r.int(1...9999), 4)
        let date = "\(t.year)\(pad(t.month, 2))\(pad(t.day, 2))"
        let time = "\(pad(t.hour, 2))\(pad(t.minute, 2))\(pad(t.second, 2))"
        let ext: String = switch format {
        case .jpeg: naming == .img || naming == .dsc || naming == .dscf || naming == .dsc0 || naming == .p1000 ? "JPG" : "jpg"
        case .heic: "HEIC"
        case .png: "png"
        case .mov: "MOV"
        case .mp4: "mp4"
        case .cr2: "CR2"
        case .cr3: "CR3"
        case .nef: "NEF"
        case .arw: "ARW"
        case .raf: "RAF"
        default: format.rawValue
        }
        switch naming {
        case .img: return "IMG_\(number).\(ext)"
        case .dsc: return "DSC_\(number).\(ext)"
        case .dscf: return "DSCF\(number).\(ext)"
        case .dsc0: return "DSC0\(number).\(ext)"
        case .p1000: return "P\(pad(r.int(1000...1999), 4))\(pad(r.int(0...999), 3)).\(ext)"
        case .pxl: return (isVideo ? "PXL_\(date)_\(time)\(pad(r.int(0...999), 3)).TS." : "PXL_\(date)_\(time)\(pad(r.int(0...999), 3)).") + ext
        case .samsung: return "\(date)_\(time).\(ext)"
        case .huawei: return (isVideo ? "VID_" : "IMG_") + "\(date)_\(time).\(ext)"
        case .screenshot: return "Screenshot_\(date)-\(time).\(ext)"
        case .gopro: return (isVideo ? "GX01" : "GOPR") + "\(number).\(ext)"
        case .dji: return "DJI_\(number).\(ext)"
        }
    }

    /// 110 cities around the world (latitude, longitude) that the towns are found near.
    static let worldCities: [(Double, Double)] = [
        (38.72, -9.14), (41.15, -8.61), (40.42, -3.70), (41.39, 2.17), (37.39, -5.98), (48.86, 2.35), (45.76, 4.84), (43.30, 5.37),
        (43.70, 7.27), (51.51, -0.13), (53.48, -2.24), (55.95, -3.19), (53.35, -6.26), (52.37, 4.90), (50.85, 4.35), (52.52, 13.40),
        (48.14, 11.58), (53.55, 9.99), (50.94, 6.96), (48.21, 16.37), (47.38, 8.54), (46.20, 6.14), (45.46, 9.19), (41.90, 12.50),
        (40.85, 14.27), (43.77, 11.26), (45.44, 12.32), (37.98, 23.73), (41.01, 28.98), (50.08, 14.44), (52.23, 21.01), (50.06, 19.94),
        (47.50, 19.04), (55.68, 12.57), (59.33, 18.07), (59.91, 10.75), (60.17, 24.94), (64.15, -21.94), (55.76, 37.62), (59.93, 30.34),
        (50.45, 30.52), (44.43, 26.10), (42.70, 23.32), (44.79, 20.45), (45.81, 15.98), (42.65, 18.09), (40.71, -74.01), (42.36, -71.06),
        (38.91, -77.04), (39.95, -75.17), (41.88, -87.63), (25.76, -80.19), (33.75, -84.39), (29.95, -90.07), (29.76, -95.37),
        (30.27, -97.74), (39.74, -104.99), (33.45, -112.07), (36.17, -115.14), (34.05, -118.24), (32.72, -117.16), (37.77, -122.42),
        (47.61, -122.33), (45.52, -122.68), (43.65, -79.38), (45.50, -73.57), (49.28, -123.12), (19.43, -99.13), (21.16, -86.85),
        (23.11, -82.37), (4.71, -74.07), (-12.05, -77.04), (-13.53, -71.97), (-33.45, -70.67), (-34.60, -58.38), (-22.91, -43.17),
        (-23.55, -46.63), (30.04, 31.24), (31.63, -7.99), (33.57, -7.59), (-33.92, 18.42), (-26.20, 28.05), (-1.29, 36.82),
        (6.52, 3.38), (5.60, -0.19), (14.72, -17.47), (36.81, 10.18), (-6.16, 39.19), (35.68, 139.65), (34.69, 135.50),
        (35.01, 135.77), (37.57, 126.98), (39.90, 116.41), (31.23, 121.47), (22.32, 114.17), (25.03, 121.57), (13.76, 100.50),
        (18.79, 98.99), (21.03, 105.85), (10.82, 106.63), (1.35, 103.82), (3.14, 101.69), (-8.65, 115.22), (-6.21, 106.85),
        (14.60, 120.98), (28.61, 77.21), (19.08, 72.88), (12.97, 77.59), (27.72, 85.32), (25.20, 55.27), (32.09, 34.78),
        (-33.87, 151.21), (-37.81, 144.96), (-27.47, 153.03), (-31.95, 115.86), (-36.85, 174.76), (-45.03, 168.66), (21.31, -157.86),
    ]
}
