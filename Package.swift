// swift-tools-version:6.1
import PackageDescription

/// Upcoming features adopted everywhere (see hummingbird's Package.swift).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "MediaKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "MediaCore", targets: ["MediaCore"]),
        .library(name: "MediaStore", targets: ["MediaStore"]),
        .library(name: "MediaML", targets: ["MediaML"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // System libraries (Debian: libvips-dev, libexif-dev).
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "CExif", pkgConfig: "libexif", providers: [.apt(["libexif-dev"])]),
        // Fixed-arity wrappers for libvips' variadic API (Swift cannot call C varargs); loads
        // libvips on demand, so tools that only read metadata never pay for loading it.
        // libjpeg is linked (small; libvips' own dependency); libvips itself is dlopened on first use.
        .target(name: "VipsShim", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread"), .linkedLibrary("jpeg")]),

        .target(
            name: "MediaCore",
            dependencies: [
                "CExif", "VipsShim",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Resources/PLACES.md"], resources: [.copy("Resources/places.bin")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MediaStore",
            dependencies: [
                "MediaCore", "MediaML",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Float32 distance kernels with AVX-512 / AVX2 paths chosen at run time (MediaML's indexes).
        .target(name: "CVectorMath"),
        .target(name: "MediaML", dependencies: ["MediaCore", "CVectorMath"], swiftSettings: swiftSettings),

        // Examples: executables, not products.
        .executableTarget(
            name: "media",
            dependencies: [
                "MediaCore", "MediaStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Examples/media",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "mediad",
            dependencies: [
                "MediaCore", "MediaStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/Examples/mediad",
            // The web gallery (HTML, CSS, plain JavaScript), served from the bundle.
            resources: [.copy("Gallery")],
            swiftSettings: swiftSettings
        ),

        // libFuzzer harness for the container parsers (scripts/fuzz.sh); a replay tool otherwise.
        .target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"),
        .executableTarget(name: "MediaFuzz", dependencies: ["MediaCore", "MediaML", "VipsShim", "FuzzDriver"], path: "Fuzz/MediaFuzz", swiftSettings: swiftSettings),

        // The corpus locator every test target shares.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore", "VipsShim", "TestSupport"], swiftSettings: swiftSettings),
        // Checks the shim's declarations against the installed vips.h (the only user of CVips).
        .testTarget(name: "VipsShimTests", dependencies: ["CVips"], swiftSettings: swiftSettings),
        .testTarget(name: "MediaStoreTests", dependencies: ["MediaStore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                                                        .product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        // Drives the `media` executable as a user would (kill -9 during import, exit codes).
        .testTarget(name: "MediaCLITests", dependencies: ["media", "MediaStore", "TestSupport"], path: "Tests/MediaCLITests", swiftSettings: swiftSettings),
        // Drives `mediad`'s application over its router and over real HTTP on loopback.
        .testTarget(
            name: "MediadTests",
            dependencies: [
                "mediad", "MediaStore", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/MediadTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "MediaMLTests", dependencies: ["MediaML", "VipsShim", "TestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
