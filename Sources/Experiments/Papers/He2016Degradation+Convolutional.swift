// SPDX-License-Identifier: GPL-3.0-or-later
import ResidualNets
import TensorCore
import Training

extension He2016Degradation {
    /// The faithful setting of He et al. 2016, §4.2 and Fig. 6: CIFAR-style convolutional nets
    /// (3×3 stem, three stages of `n` basic blocks conv–BN–ReLU–conv–BN, widths `w₁/w₂/w₃`,
    /// stride-2 downsampling, identity shortcuts with zero padding where the shape changes
    /// (option A, as He et al. use on CIFAR-10, so plain and residual nets have the same parameters), global average pooling, linear read-out),
    /// plain `x_{l+1} = relu(F_l(x_l))` against residual `x_{l+1} = relu(x_l + F_l(x_l))`, on the
    /// 8×8 digits as `[N, 1, 8, 8]` images, training and test error after every epoch.
    public struct ConvolutionalSetting: Sendable, Equatable {
        /// The two depths `6n + 2` (shallow, deep).
        public var depths: [Int]
        /// Channels of the three stages.
        public var widths: [Int]
        /// Passes over the training images and Adam's initial learning rate (cosine-annealed to `η₀/100`).
        public var epochs: Int
        public var learningRate: Double
        /// Training and test images used (`nil`: all of the split's 1,437 / 360).
        public var trainingCount: Int?
        public var testCount: Int?
        /// The seed of initialisation and shuffling.
        public var seed: UInt64
    }

    /// The per-epoch errors of the plain and residual nets of every depth.
    public struct ConvolutionalResult: Sendable, Equatable {
        public var setting: ConvolutionalSetting
        /// Keyed by depth; plain and residual runs.
        var plain: [Int: ConvolutionalRuns.Curves]
        var residual: [Int: ConvolutionalRuns.Curves]

        /// The final-epoch training error of a depth and kind.
        public func finalTrainingError(depth: Int, residual isResidual: Bool) -> Double {
            (isResidual ? residual : plain)[depth]?.trainingErrors.last ?? .nan
        }

        /// The final-epoch test error of a depth and kind.
        public func finalTestError(depth: Int, residual isResidual: Bool) -> Double {
            (isResidual ? residual : plain)[depth]?.testErrors.last ?? .nan
        }
    }

    /// Degradation in the convolutional setting: the deep plain net's final training error exceeds the
    /// shallow one's by at least this much (a fraction of the training images) …
    public static let convolutionalPlainGap = 0.01
    /// … while the deep residual net's exceeds the shallow one's by less than this much.
    public static let convolutionalResidualTolerance = 0.01

    /// The convolutional setting of a profile: ResNet-20 vs -56 in full, ResNet-8 vs -14 on a
    /// subset for two epochs in quick (too little training to expect degradation; it is reported as measured).
    public func convolutionalSetting(for profile: Profile) -> ConvolutionalSetting {
        switch profile {
        case .quick:
            return ConvolutionalSetting(depths: [8, 14], widths: [4, 8, 16], epochs: 2, learningRate: 3e-3,
                                        trainingCount: 192, testCount: 96, seed: 5)
        case .full:
            return ConvolutionalSetting(depths: [20, 56], widths: [16, 32, 64], epochs: 20, learningRate: 1e-3,
                                        trainingCount: nil, testCount: nil, seed: 5)
        }
    }

    /// Trains the plain and residual nets of both depths.
    /// - Throws: `ExperimentError.invalidArgument` for depths that are not two values `6n + 2`, and training errors.
    public func measureConvolutional(_ s: ConvolutionalSetting,
                                     progress: @escaping @Sendable (String) -> Void) throws -> ConvolutionalResult {
        guard s.depths.count == 2, s.depths.allSatisfy({ $0 >= 8 && ($0 - 2) % 6 == 0 }), s.depths[0] < s.depths[1] else {
            throw ExperimentError.invalidArgument(name: "depths", value: "\(s.depths)", reason: "expected two ascending depths 6n + 2")
        }
        let data = try ConvolutionalRuns.digits(trainingCount: s.trainingCount, testCount: s.testCount)
        var result = ConvolutionalResult(setting: s, plain: [:], residual: [:])
        for depth in s.depths {
            for isResidual in [false, true] {
                progress("digits images: conv \(isResidual ? "ResNet" : "plain")-\(depth), \(s.epochs) epochs")
                let spec = try ConvolutionalResNetSpec(inputChannels: 1, height: 8, width: 8, classes: 10,
                                                       blocksPerStage: (depth - 2) / 6, widths: s.widths, isResidual: isResidual,
                                                       shortcut: .zeroPadding)
                let curves = try ConvolutionalRuns.train(spec, on: data, epochs: s.epochs, learningRate: s.learningRate, seed: s.seed)
                if isResidual { result.residual[depth] = curves } else { result.plain[depth] = curves }
            }
        }
        return result
    }

    /// Whether the convolutional run shows degradation for plain and none for residual nets.
    public static func isConvolutionalReproduced(_ r: ConvolutionalResult) -> Bool {
        guard r.setting.depths.count == 2 else { return false }
        let (shallow, deep) = (r.setting.depths[0], r.setting.depths[1])
        return r.finalTrainingError(depth: deep, residual: false) - r.finalTrainingError(depth: shallow, residual: false) >= convolutionalPlainGap
            && r.finalTrainingError(depth: deep, residual: true) - r.finalTrainingError(depth: shallow, residual: true) < convolutionalResidualTolerance
    }

    /// One line for the verdict, with the measured final errors.
    static func convolutionalSummary(_ r: ConvolutionalResult) -> String {
        let (shallow, deep) = (r.setting.depths.first ?? 0, r.setting.depths.last ?? 0)
        let e = { (l: Int, res: Bool) in NumberFormat.significant(r.finalTrainingError(depth: l, residual: res)) }
        return "Conv nets with batch norm on the digits images (\(r.setting.epochs) epochs): final training error plain-\(shallow) "
            + "\(e(shallow, false)) → plain-\(deep) \(e(deep, false)); ResNet-\(shallow) \(e(shallow, true)) → ResNet-\(deep) "
            + "\(e(deep, true)); " + (isConvolutionalReproduced(r)
                ? "degradation shown (plain deeper worse by ≥ \(NumberFormat.significant(convolutionalPlainGap)), residual not)."
                : "degradation NOT shown in this profile (needs the deeper plain net ≥ \(NumberFormat.significant(convolutionalPlainGap)) "
                    + "worse and the deeper ResNet < \(NumberFormat.significant(convolutionalResidualTolerance)) worse).")
    }

    /// Numbers of the convolutional run, keyed `conv.…`.
    static func convolutionalNumbers(_ r: ConvolutionalResult) -> [String: Double] {
        var numbers: [String: Double] = ["conv.reproduced": isConvolutionalReproduced(r) ? 1 : 0]
        for (index, depth) in r.setting.depths.enumerated() {
            let which = index == 0 ? "Shallow" : "Deep"
            numbers["conv.plain\(which)TrainingError"] = r.finalTrainingError(depth: depth, residual: false)
            numbers["conv.residual\(which)TrainingError"] = r.finalTrainingError(depth: depth, residual: true)
            numbers["conv.plain\(which)TestError"] = r.finalTestError(depth: depth, residual: false)
            numbers["conv.residual\(which)TestError"] = r.finalTestError(depth: depth, residual: true)
        }
        return numbers
    }

    /// The final errors and parameter counts of the convolutional run.
    func convolutionalTable(_ r: ConvolutionalResult) -> ResultTable {
        let s = r.setting
        let rows = s.depths.flatMap { depth in
            [(false, r.plain[depth]), (true, r.residual[depth])].map { isResidual, curves -> [String] in
                ["\(isResidual ? "ResNet" : "plain")-\(depth)", NumberFormat.significant(curves?.trainingErrors.last ?? .nan),
                 NumberFormat.significant(curves?.testErrors.last ?? .nan), "\(curves?.parameterCount ?? 0)"]
            }
        }
        return ResultTable(caption: "digits as 1×8×8 images: final training error (during the last epoch) and test error; "
                            + Self.convolutionalDescription(s),
                           columns: ["network", "training error", "test error", "parameters"], rows: rows)
    }

    /// A setting's parameters for titles and captions.
    static func convolutionalDescription(_ s: ConvolutionalSetting) -> String {
        "widths \(s.widths.map(String.init).joined(separator: "/")), batch norm, ReLU, zero-padding shortcuts, Adam η₀ = "
            + "\(s.learningRate) cosine, batch 32, \(s.epochs) epochs, \(s.trainingCount.map { "\($0)" } ?? "1437") training / "
            + "\(s.testCount.map { "\($0)" } ?? "360") test images, seed \(s.seed)"
    }

    /// Training (dashed) and test (solid) error per epoch, plain (left) and residual (right), as He et al. Fig. 6.
    func convolutionalCurveFigure(_ r: ConvolutionalResult) -> Figure {
        let depths = r.setting.depths
        var columns = ["epoch"], series: [[Double]] = []
        for isResidual in [false, true] {
            for depth in depths {
                let curves = (isResidual ? r.residual : r.plain)[depth]
                let name = "\(isResidual ? "ResNet" : "plain")-\(depth)"
                columns += ["\(name) train", "\(name) test"]
                series += [(curves?.trainingErrors ?? []).map { 100 * $0 }, (curves?.testErrors ?? []).map { 100 * $0 }]
            }
        }
        let epochs = series.map(\.count).max() ?? 0
        let rows = (0..<epochs).map { e in [Double(e + 1)] + series.map { e < $0.count ? $0[e] : .nan } }
        func plots(_ offset: Int) -> String {
            depths.indices.flatMap { k in
                let column = 2 + offset + 2 * k
                return ["DATA using 1:\(column) with linespoints lw 1 dt 2 pt \(4 + 2 * k) lc \(k + 1) title '\(columns[column - 1])'",
                        "DATA using 1:\(column + 1) with linespoints lw 3 pt \(5 + 2 * k) lc \(k + 1) title '\(columns[column])'"]
            }.joined(separator: ", ")
        }
        return Figure(name: "conv-error-curves",
                      title: "Training (dashed) and test (bold) error per epoch, plain (left) vs ResNet (right), "
                        + "depths \(depths.map(String.init).joined(separator: " and ")); " + Self.convolutionalDescription(r.setting),
                      columns: columns, rows: rows,
                      gnuplot: """
                      set multiplot layout 1,2 title TITLE
                      set xlabel 'epoch'
                      set ylabel 'error (% of images misclassified)'
                      set yrange [0:*]
                      set key top right
                      set title 'plain'
                      plot \(plots(0))
                      set title 'ResNet'
                      plot \(plots(2 * depths.count))
                      unset multiplot
                      """,
                      size: Figure.Size(width: 1400, height: 550))
    }
}
