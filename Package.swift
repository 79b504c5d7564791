// swift-tools-version: 6.0
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Layers (imports point down only):
//   resode (CLI), Benchmarks/, Papers/
//   ResODE            umbrella: re-exports the public modules
//   Experiments       Papers/ reproductions and the report (tables, verdicts, gnuplot figures)
//   DepthAnalysis     gradient flow, spectra, landscapes, path ensembles, ResNet ↔ ODE comparisons
//   ResidualNets | ContinuousDepth   (siblings: neither imports the other)
//                     residual networks as explicit RK steps | neural ODEs, GSL and own solvers, adjoints
//   Training          datasets, losses, optimisers, schedules, the training loop, checkpoints
//   GSLBridge         Swift values around gsl_odeiv2, eigen and SVD (no Unsafe… above it)
//   MessagePassing    MPI process group: rank, size, broadcast, gather, fixed-order sums, messages (no Unsafe… above it)
//   NumPyIO           .npy / .npz read and write
//   TensorCore        Tensor, reverse/forward-mode autodiff, traced replay, layers, Butcher tableaus
//   CKernels, CGSL    vectorised elementwise kernels; GSL + OpenBLAS (system library)
//   CMPI              Open MPI's mpi.h (system library; used by MessagePassing only)
// `scripts/check-layering.py` (run by `make test`) checks that this list, the targets'
// dependencies, the README's layer list and the `import`s agree.
import PackageDescription

let package = Package(
    name: "ResODE",
    products: [
        .library(name: "ResODE", targets: ["ResODE"]),
        .executable(name: "resode", targets: ["resode"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),  // `make docs` only
    ],
    targets: [
        .systemLibrary(name: "CGSL"),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O2"])]  // the kernels are hot loops even in debug builds
        ),
        .target(name: "TensorCore", dependencies: ["CGSL", "CKernels"]),
        .target(name: "NumPyIO", dependencies: ["TensorCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "GSLBridge", dependencies: ["CGSL"]),
        .target(name: "MessagePassing", dependencies: ["CMPI"]),
        .target(name: "Training", dependencies: ["TensorCore", "NumPyIO"], resources: [.copy("Resources")]),
        .target(name: "ResidualNets", dependencies: ["TensorCore", "Training"]),
        .target(name: "ContinuousDepth", dependencies: ["TensorCore", "GSLBridge"]),
        .target(name: "DepthAnalysis", dependencies: ["TensorCore", "GSLBridge", "ResidualNets"]),
        .target(name: "Experiments", dependencies: ["TensorCore", "NumPyIO", "GSLBridge", "Training", "ResidualNets", "ContinuousDepth", "DepthAnalysis"]),
        .target(name: "ResODE", dependencies: ["TensorCore", "NumPyIO", "GSLBridge", "Training", "ResidualNets", "ContinuousDepth", "DepthAnalysis", "Experiments"]),
        .executableTarget(
            name: "resode",
            dependencies: ["ResODE", "MessagePassing", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "resode-bench", dependencies: ["ResODE"], path: "Benchmarks/Sources/resode-bench"),
        .target(name: "TestSupport", dependencies: ["TensorCore"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "NumPyIOTests", dependencies: ["NumPyIO", "TensorCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GSLBridgeTests", dependencies: ["GSLBridge", "TensorCore"]),
        .testTarget(name: "MessagePassingTests", dependencies: ["MessagePassing"]),
        .testTarget(name: "ResidualNetsTests", dependencies: ["ResidualNets", "TensorCore", "Training", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TensorCore", "TestSupport"]),
        .testTarget(name: "ContinuousDepthTests", dependencies: ["ContinuousDepth", "TensorCore", "GSLBridge", "Training", "TestSupport"]),
        .testTarget(name: "DepthAnalysisTests", dependencies: ["DepthAnalysis", "ResidualNets", "ContinuousDepth", "GSLBridge", "TensorCore", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "ResidualNets"]),
        .testTarget(name: "DocumentationTests", dependencies: ["ResODE"]),
        .testTarget(name: "ResodeCLITests", dependencies: ["resode", "Experiments", "NumPyIO", "TensorCore"], resources: [.copy("Fixtures")]),
    ]
)
