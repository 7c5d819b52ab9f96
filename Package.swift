// swift-tools-version: 6.1
import PackageDescription

// One module per pipeline stage (see README.md "Architecture"):
// Transport → MIME → OpenPGP → Cases → Store → Gateway → meldpunt.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
  name: "Meldpunt",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "meldpunt", targets: ["meldpunt"]),
    .executable(name: "meldpunt-gpgme", targets: ["meldpunt-gpgme"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    .package(url: "https://github.com/apple/swift-configuration", exact: "1.4.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
  ],
  targets: [
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .systemLibrary(name: "CGPGME", pkgConfig: "gpgme", providers: [.apt(["libgpgme-dev"])]),

    .target(name: "Transport", dependencies: [
      "CCurl", .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: strict),
    .target(name: "MIME", swiftSettings: strict),
    .target(name: "OpenPGP", dependencies: [
      "CGPGME", .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: strict),
    .target(name: "Cases", swiftSettings: strict),
    .target(name: "Store", dependencies: [
      "Cases", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
    ], swiftSettings: strict),
    .target(name: "Gateway", dependencies: [
      "Transport", "MIME", "OpenPGP", "Cases", "Store",
      .product(name: "Logging", package: "swift-log"),
      .product(name: "Configuration", package: "swift-configuration"),
      .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      .product(name: "Crypto", package: "swift-crypto"),
    ], resources: [.copy("Templates")], swiftSettings: strict),
    .executableTarget(name: "meldpunt", dependencies: [
      "Gateway", "Store", "Cases", "OpenPGP",
      .product(name: "ArgumentParser", package: "swift-argument-parser"),
      .product(name: "Logging", package: "swift-log"),
      .product(name: "Configuration", package: "swift-configuration"),
      .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    ], swiftSettings: strict),

    // Runs GPGME's decrypt, verify and sign in a small process beside `meldpunt`, so that
    // each gpg is forked from it and not from the gateway (Sources/meldpunt-gpgme/main.c).
    .executableTarget(name: "meldpunt-gpgme", cSettings: [.unsafeFlags(["-Wall", "-Wextra", "-Werror"])],
                      linkerSettings: [.linkedLibrary("gpgme")]),

    // Real-server harness shared by the integration tests and `make demo`.
    .target(name: "MeldpuntTesting", dependencies: ["MIME"], swiftSettings: strict),
    .executableTarget(name: "meldpunt-demo", dependencies: ["MeldpuntTesting"], swiftSettings: strict),
    // `make bench`: the pipeline against the floor of gpg and curl on the same mails.
    .executableTarget(name: "meldpunt-bench", dependencies: ["MeldpuntTesting"], swiftSettings: strict),

    .testTarget(name: "MIMETests", dependencies: ["MIME"], swiftSettings: strict),
    .testTarget(name: "TransportTests", dependencies: ["Transport"], swiftSettings: strict),
    .testTarget(name: "OpenPGPTests", dependencies: ["OpenPGP", "MeldpuntTesting"], swiftSettings: strict),
    .testTarget(name: "CasesTests", dependencies: ["Cases"], swiftSettings: strict),
    .testTarget(name: "StoreTests", dependencies: ["Store", "Cases", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
    .testTarget(name: "GatewayTests", dependencies: ["Gateway"], swiftSettings: strict),
    // The fixtures are read from the source tree by path, not bundled.
    .testTarget(name: "IntegrationTests", dependencies: [
      "Gateway", "Store", "Transport", "MIME", "OpenPGP", "MeldpuntTesting", .product(name: "Logging", package: "swift-log"),
    ], exclude: ["Fixtures"], swiftSettings: strict),
  ]
)
