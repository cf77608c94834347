// swift-tools-version:6.1
import PackageDescription

// MediaKit's benchmarks, a package of their own so that SDK users never resolve them.
// Run: cd Benchmarks && swift package benchmark   (stdin from /dev/null in scripts)
// Scale: Benchmarks/scripts/bench-scale.sh (builds and runs mediabench, see Sources/mediabench)
let package = Package(
    name: "MediaKitBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MediaKit", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "Metadata",
            dependencies: [
                .product(name: "MediaCore", package: "MediaKit"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Metadata",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Scale figures: a synthetic catalog of N assets (insert rate, timeline, lookups,
        // streaming). A plain executable: swift build -c release --product mediabench;
        // scripts/bench-scale.sh runs it with the import and `ls --json` measurements.
        .executableTarget(
            name: "mediabench",
            dependencies: [
                .product(name: "MediaCore", package: "MediaKit"),
                .product(name: "MediaStore", package: "MediaKit"),
                .product(name: "MediaML", package: "MediaKit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/mediabench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
