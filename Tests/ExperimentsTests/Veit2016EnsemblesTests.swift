// SPDX-License-Identifier: GPL-3.0-or-later
@testable import Experiments
import Testing

@Suite("veit2016-ensembles, quick profile")
struct Veit2016EnsemblesTests {
    @Test("deleting one block of a 16-block ResNet barely changes its test error, any block of the plain net destroys it; short paths carry the gradient")
    func quickProfile() throws {
        let result = try runQuick(Veit2016Ensembles())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("medianResidualIncrease", in: result) <= Veit2016Ensembles.residualIncreaseThreshold)
        #expect(try number("smallestPlainIncrease", in: result) >= Veit2016Ensembles.plainIncreaseThreshold)
        #expect(try number("residualFirstDeletionShare", in: result) <= Veit2016Ensembles.firstStepFraction)
        #expect(try number("plainFirstDeletionShare", in: result) > 0.8)
        #expect(try number("effectivePathLengthUpper", in: result) < 8)
        #expect(try number("dominantPathLength", in: result) < 8)
        // The path table lists Binomial(16, ½): C(16, 8)/2¹⁶ = 12870/65536 at the median length.
        let pathTable = result.tables[2]
        #expect(pathTable.rows.count == 17)
        #expect(pathTable.rows[8][1] == NumberFormat.significant(12870.0 / 65536))
    }

    @Test("a smooth rise passes the smoothness test; a plain net's jump at the first deletion and a falling curve do not")
    func smoothness() {
        let points = { (means: [Double]) in
            means.enumerated().map { Veit2016Ensembles.LesionPoint(size: $0.offset, mean: $0.element, standardDeviation: 0) }
        }
        #expect(Veit2016Ensembles.risesSmoothly(points([0.04, 0.06, 0.09, 0.13, 0.18])))
        #expect(!Veit2016Ensembles.risesSmoothly(points([0.08, 0.90, 0.91, 0.92, 0.93])))
        #expect(!Veit2016Ensembles.risesSmoothly(points([0.04, 0.10, 0.05, 0.13, 0.18])))
        #expect(!Veit2016Ensembles.risesSmoothly(points([0.04, 0.04])))
        #expect(Veit2016Ensembles.firstStepShare(points([0.1, 0.2, 0.5])) == 0.25)
        #expect(Veit2016Ensembles.median([3, 1, 2, 10]) == 2.5)
    }
}
