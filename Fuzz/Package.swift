// swift-tools-version: 6.0
// SPDX-License-Identifier: GPL-3.0-or-later
//
// libFuzzer harnesses for ResODE's input readers, kept out of the main package so that
// `swift build` / `swift test` never see them. Build and run with `make fuzz` (see README):
// every target is compiled with `--sanitize=fuzzer --sanitize=address`, which instruments
// the whole dependency graph (ResODE included) for coverage and address errors and links
// libFuzzer, whose `main` calls each harness's `LLVMFuzzerTestOneInput`.
import PackageDescription

let package = Package(
    name: "ResODEFuzz",
    dependencies: [.package(name: "ResODE", path: "..")],
    targets: [
        .executableTarget(name: "fuzz-npy", dependencies: [.product(name: "ResODE", package: "ResODE")]),
        .executableTarget(name: "fuzz-npz", dependencies: [.product(name: "ResODE", package: "ResODE")]),
        .executableTarget(name: "fuzz-spec", dependencies: [.product(name: "ResODE", package: "ResODE")]),
    ]
)
