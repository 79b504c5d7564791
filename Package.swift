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
//   NetworkLayers | RungeKuttaMethods   (siblings: neither imports the other)
//                     layers, parameter lists, MLP field, Classifier, strict JSON specs | Butcher tableaus, RK steps, dense output
//   GSLBridge         Swift values around gsl_odeiv2, eigen and SVD (no Unsafe… above it)
//   MessagePassing    MPI process group: rank, size, broadcast, gather, fixed-order sums, messages (no Unsafe… above it)
//   NumPyIO           .npy / .npz read and write
//   TensorCore        Tensor, reverse/forward-mode autodiff, convolution ops, traced replay (part of the tape);
//                     SeededGenerator (Tensor.randomNormal draws from it) and LogLogFit (the one observed-order fit)
//   CKernels, CGSL    vectorised elementwise kernels; GSL + OpenBLAS (system library)
//   CMPI              Open MPI's mpi.h (system library; used by MessagePassing only)
// `scripts/check-layering.py` (run by `make test`) checks that this list, the targets'
// dependencies, the README's layer list, the DocC landing page's and the `import`s agree.
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
        .target(name: "NetworkLayers", dependencies: ["TensorCore"]),
        .target(name: "RungeKuttaMethods", dependencies: ["TensorCore"]),
        .target(name: "NumPyIO", dependencies: ["TensorCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "GSLBridge", dependencies: ["CGSL"]),
        .target(name: "MessagePassing", dependencies: ["CMPI"]),
        .target(name: "Training", dependencies: ["TensorCore", "NetworkLayers", "NumPyIO"], resources: [.copy("Resources")]),
        .target(name: "ResidualNets", dependencies: ["TensorCore", "NetworkLayers", "RungeKuttaMethods", "Training"]),
        .target(name: "ContinuousDepth", dependencies: ["TensorCore", "NetworkLayers", "RungeKuttaMethods", "GSLBridge"]),
        .target(name: "DepthAnalysis", dependencies: ["TensorCore", "NetworkLayers", "RungeKuttaMethods", "GSLBridge", "ResidualNets"]),
        .target(name: "Experiments", dependencies: ["TensorCore", "NetworkLayers", "NumPyIO", "GSLBridge", "Training", "ResidualNets", "ContinuousDepth", "DepthAnalysis"]),
        .target(name: "ResODE", dependencies: ["TensorCore", "NetworkLayers", "RungeKuttaMethods", "NumPyIO", "GSLBridge", "Training", "ResidualNets", "ContinuousDepth", "DepthAnalysis", "Experiments"]),
        .executableTarget(
            name: "resode",
            dependencies: ["ResODE", "MessagePassing", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "resode-bench", dependencies: ["ResODE"], path: "Benchmarks/Sources/resode-bench"),
        .target(name: "TestSupport", dependencies: ["TensorCore"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(name: "NetworkLayersTests", dependencies: ["NetworkLayers", "TensorCore"]),
        .testTarget(name: "RungeKuttaMethodsTests", dependencies: ["RungeKuttaMethods", "TensorCore"]),
        .testTarget(name: "NumPyIOTests", dependencies: ["NumPyIO", "TensorCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GSLBridgeTests", dependencies: ["GSLBridge", "TensorCore"]),
        .testTarget(name: "MessagePassingTests", dependencies: ["MessagePassing"]),
        .testTarget(name: "ResidualNetsTests", dependencies: ["ResidualNets", "NetworkLayers", "TensorCore", "Training", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "NetworkLayers", "TensorCore", "TestSupport"]),
        .testTarget(name: "ContinuousDepthTests", dependencies: ["ContinuousDepth", "NetworkLayers", "RungeKuttaMethods", "TensorCore", "GSLBridge", "Training", "TestSupport"]),
        .testTarget(name: "DepthAnalysisTests", dependencies: ["DepthAnalysis", "NetworkLayers", "ResidualNets", "ContinuousDepth", "GSLBridge", "TensorCore", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "ResidualNets"]),
        .testTarget(name: "DocumentationTests", dependencies: ["ResODE"]),
        .testTarget(name: "ResodeCLITests", dependencies: ["resode", "NumPyIO", "TensorCore"], resources: [.copy("Fixtures")]),
    ]
)
