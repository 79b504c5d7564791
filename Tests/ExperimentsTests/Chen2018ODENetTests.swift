// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Testing

@Suite("chen2018-odenet, quick profile")
struct Chen2018ODENetTests {
    @Test("ResNet, RK-Net and ODE-Net reach test errors within 3 points; the tied nets have 2282 parameters against 7642; NFE grows with tolerance and training")
    func quickProfile() throws {
        let result = try runQuick(Chen2018ODENet())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("testErrorSpread", in: result) <= Chen2018ODENet.errorSpreadThreshold)
        #expect(try number("testError.ODE-Net", in: result) < 0.1)
        // Embedding 64·16 + 16 and readout 16·10 + 10 around one field (W₁ 32×16, b₁ 32, W₂ 16×32, b₂ 16 = 1072) or 6.
        #expect(try number("parameters.ResNet", in: result) == Double(1040 + 6 * 1072 + 170))
        #expect(try number("parameters.RK-Net", in: result) == Double(1040 + 1072 + 170))
        #expect(try number("parameters.ODE-Net", in: result) == Double(1040 + 1072 + 170))
        #expect(try number("forwardNFETightest", in: result) > number("forwardNFELoosest", in: result))
        #expect(try number("backwardNFELoosest", in: result) > 0)
        #expect(try number("trainingNFEGrowth", in: result) >= Chen2018ODENet.trainingGrowthThreshold)
        // dopri5 with an automatic first step costs 6·(accepted + rejected) + 2 evaluations per solve.
        let sweep = result.tables[1]
        for row in sweep.rows {
            let forward = try #require(Int(row[1]))
            #expect(forward % 6 == 2, "forward NFE \(forward) at tolerance \(row[0])")
        }
        // The conv ODE-Net on the digits images: one dopri5 solve per batch costs at least one step (6 + 2 evaluations),
        // the adjoint's backward solve at least as many again; the test error is a fraction.
        #expect(try number("conv.forwardNFE", in: result) >= 8)
        #expect(try number("conv.backwardNFE", in: result) >= 8)
        #expect(try (0...1).contains(number("conv.testError", in: result)))
        #expect(result.tables.last?.rows.first?.first == "conv ODE-Net")
    }
}
