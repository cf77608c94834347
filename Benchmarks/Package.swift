// swift-tools-version:6.1
import PackageDescription

// MediaKit's benchmarks, a package of their own so that SDK users never resolve them.
// Run: cd Benchmarks && swift package benchmark   (stdin from /dev/null in scripts)
let package = Package(
    name: "MediaKitBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "MediaKit", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
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
    ],
    swiftLanguageModes: [.v6]
)
