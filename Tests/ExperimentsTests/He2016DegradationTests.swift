// SPDX-License-Identifier: GPL-3.0-or-later
@testable import Experiments
import ResidualNets
import Testing

@Suite("he2016-degradation, quick profile")
struct He2016DegradationTests {
    @Test("on digits the L = 16 plain net ends with ≥ 2× the training loss of the L = 2 one; the residual nets' loss falls")
    func quickProfile() throws {
        let result = try runQuick(He2016Degradation())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("digits.plainDeepToShallow", in: result) >= He2016Degradation.plainRatioThreshold)
        #expect(try number("digits.plainDeepLoss", in: result) - number("digits.plainShallowLoss", in: result) >= 0.1)
        #expect(try number("digits.residualDeepToShallow", in: result) <= 1)
        // Degradation is not overfitting: the deep residual net also generalises better than the deep plain one.
        #expect(try number("digits.residualDeepTestError", in: result) < number("digits.plainDeepTestError", in: result))
        #expect(result.tables[0].rows.map { $0[0] } == ["2", "6", "16"])
        // Plain and residual networks of one depth have the same parameters: embedding 64·16 + 16, readout 16·10 + 10,
        // and per block W₁ 32×16, b₁ 32, W₂ 16×32, b₂ 16.
        #expect(result.tables[0].rows.map { $0[5] } == ["\(1040 + 170 + 2 * 1072)", "\(1040 + 170 + 6 * 1072)", "\(1040 + 170 + 16 * 1072)"])
        // The convolutional setting (Fig. 6): plain and ResNet-8/14 trained and reported with per-epoch error curves.
        let conv = try #require(result.tables.last)
        #expect(conv.rows.map { $0[0] } == ["plain-8", "ResNet-8", "plain-14", "ResNet-14"])
        #expect(conv.rows[0][3] == conv.rows[1][3] && conv.rows[2][3] == conv.rows[3][3], "plain and ResNet share parameters")
        for name in ["plainShallow", "plainDeep", "residualShallow", "residualDeep"] {
            #expect(try (0...1).contains(number("conv.\(name)TrainingError", in: result)))
            #expect(try (0...1).contains(number("conv.\(name)TestError", in: result)))
        }
        let curves = try #require(result.figures.first { $0.name == "conv-error-curves" })
        #expect(curves.rows.count == He2016Degradation().convolutionalSetting(for: .quick).epochs)
        #expect(try number("conv.reproduced", in: result) == (result.verdict.summary.contains("degradation shown") ? 1 : 0))
    }

    @Test("a sweep whose deepest plain net is no worse than its shallowest is not judged reproduced")
    func verdictNeedsDegradation() {
        let sweep = He2016Degradation.Sweep(dataset: "digits", depths: [2, 16], width: 16, hidden: 32, epochs: 1,
                                            learningRate: 1e-3, seeds: [1])
        func point(_ depth: Int, _ kind: ResidualNetworkSpec.Kind, _ loss: Double) -> He2016Degradation.Point {
            He2016Degradation.Point(depth: depth, kind: kind, trainingLosses: [loss], testErrors: [0.1], curve: [loss],
                                    parameterCount: 1)
        }
        let degraded = He2016Degradation.SweepResult(
            sweep: sweep, points: [point(2, .plain, 0.1), point(2, .resnet, 0.1), point(16, .plain, 0.5), point(16, .resnet, 0.05)])
        let flat = He2016Degradation.SweepResult(
            sweep: sweep, points: [point(2, .plain, 0.1), point(2, .resnet, 0.1), point(16, .plain, 0.12), point(16, .resnet, 0.05)])
        let residualDegraded = He2016Degradation.SweepResult(
            sweep: sweep, points: [point(2, .plain, 0.1), point(2, .resnet, 0.1), point(16, .plain, 0.5), point(16, .resnet, 0.2)])
        #expect(He2016Degradation.isReproduced(degraded))
        #expect(!He2016Degradation.isReproduced(flat))
        #expect(!He2016Degradation.isReproduced(residualDegraded))
    }

    @Test("the convolutional verdict needs the deeper plain net worse and the deeper ResNet not")
    func convolutionalVerdict() {
        let setting = He2016Degradation().convolutionalSetting(for: .quick)
        func curves(_ error: Double) -> ConvolutionalRuns.Curves {
            ConvolutionalRuns.Curves(trainingErrors: [0.5, error], testErrors: [0.5, error], trainingLosses: [1, 1], parameterCount: 1)
        }
        func result(_ plain: (Double, Double), _ residual: (Double, Double)) -> He2016Degradation.ConvolutionalResult {
            He2016Degradation.ConvolutionalResult(setting: setting, plain: [8: curves(plain.0), 14: curves(plain.1)],
                                                  residual: [8: curves(residual.0), 14: curves(residual.1)])
        }
        #expect(He2016Degradation.isConvolutionalReproduced(result((0.05, 0.12), (0.05, 0.03))))
        #expect(!He2016Degradation.isConvolutionalReproduced(result((0.05, 0.055), (0.05, 0.03))))
        #expect(!He2016Degradation.isConvolutionalReproduced(result((0.05, 0.12), (0.05, 0.08))))
    }

    @Test("an unknown data set is refused with a typed error naming it")
    func unknownDataset() {
        let paper = He2016Degradation()
        var settings = paper.settings(for: .quick)
        settings.sweeps[0].dataset = "cifar10"
        #expect(throws: ExperimentError.invalidArgument(name: "dataset", value: "cifar10", reason: "expected digits or spirals")) {
            try paper.measure(settings) { _ in }
        }
    }
}
