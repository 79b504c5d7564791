// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore
import Training

/// Row `i` of a rank-2 tensor.
private func row(_ tensor: Tensor, _ i: Int) -> [Double] {
    let width = tensor.shape[1]
    return Array(tensor.scalars[(i * width)..<((i + 1) * width)])
}

/// Euclidean norm of row `i`.
private func rowNorm(_ tensor: Tensor, _ i: Int) -> Double {
    row(tensor, i).reduce(0) { $0 + $1 * $1 }.squareRoot()
}

/// A data set whose single feature is the sample index, to follow samples through splits.
private func indexedDataset(count: Int) throws -> Dataset {
    try Dataset(inputs: Tensor(shape: [count, 1], scalars: (0..<count).map(Double.init)),
                labels: (0..<count).map { $0 % 3 }, classCount: 3, encoding: .oneHot)
}

/// One digits CSV line: 64 pixels then the label.
private func csvLine(pixel: Int = 0, label: Int = 0, columns: Int = 65) -> String {
    (Array(repeating: String(pixel), count: columns - 1) + [String(label)]).joined(separator: ",")
}

// MARK: - Seeding

@Test("Every generator gives identical data for the same seed and different data for another seed")
func generatorsAreSeeded() throws {
    let generators: [(UInt64) throws -> Dataset] = [
        { try .twoSpirals(count: 50, noise: 0.05, seed: $0) },
        { try .twoSpirals(count: 50, noise: 0, seed: $0) },  // the spiral parameters are random too
        { try .concentricCircles(count: 50, factor: 0.5, noise: 0.05, seed: $0) },
        { try .twoMoons(count: 50, noise: 0.05, seed: $0) },
        { try .nestedSpheres(dimension: 3, count: 50, seed: $0) },
        { try .functionRegression(count: 50, on: -3...3, noise: 0.1, seed: $0, named: .sine) },
    ]
    for generate in generators {
        let first = try generate(7)
        #expect(try generate(7) == first)
        #expect(try generate(8).inputs != first.inputs)
    }
}

// MARK: - Two spirals

@Test("Two spirals: shape [n, 2], classes ⌊n/2⌋ and n − ⌊n/2⌋, targets 2c − 1")
func spiralShapesAndBalance() throws {
    let data = try Dataset.twoSpirals(count: 101, noise: 0.1, seed: 1)
    #expect(data.inputs.shape == [101, 2])
    #expect(data.targets.shape == [101, 1])
    #expect(data.classCount == 2)
    #expect(data.classCounts == [50, 51])
    #expect(data.targets.scalars == data.labels.map { Double(2 * $0 - 1) })
}

@Test("Noise-free spirals: class 1 is the point reflection of class 0 and every point lies in the unit disc")
func spiralsArePointReflections() throws {
    let data = try Dataset.twoSpirals(count: 200, turns: 2, noise: 0, seed: 3)
    for j in 0..<100 {
        #expect(row(data.inputs, 100 + j) == row(data.inputs, j).map { -$0 })
        #expect(rowNorm(data.inputs, j) <= 1)
    }
}

@Test("Noise-free spirals follow r = θ / (2π · turns)")
func spiralRadiusGrowsWithAngle() throws {
    let turns = 1.5
    let data = try Dataset.twoSpirals(count: 40, turns: turns, noise: 0, seed: 5)
    for j in 0..<20 {
        let (x, y) = (data.inputs[j, 0], data.inputs[j, 1])
        let t = (x * x + y * y).squareRoot()
        let theta = 2 * Double.pi * turns * t
        #expect(abs(x - t * cos(theta)) < 1e-12 && abs(y - t * sin(theta)) < 1e-12)
    }
}

// MARK: - Circles and moons

@Test("Noise-free circles: class 0 on the unit circle, class 1 on the circle of radius factor")
func circleRadii() throws {
    let data = try Dataset.concentricCircles(count: 61, factor: 0.3, noise: 0, seed: 0)
    #expect(data.classCounts == [30, 31])
    for i in 0..<data.count {
        let expected = data.labels[i] == 0 ? 1.0 : 0.3
        #expect(abs(rowNorm(data.inputs, i) - expected) < 1e-12)
    }
}

@Test("Noise-free moons match scikit-learn's make_moons(6, shuffle=False)")
func moonsMatchScikitLearn() throws {
    let data = try Dataset.twoMoons(count: 6, noise: 0, seed: 0)
    let expected: [Double] = [1, 0, 0, 1, -1, 0,  0, 0.5, 1, -0.5, 2, 0.5]
    #expect(data.labels == [0, 0, 0, 1, 1, 1])
    for (value, reference) in zip(data.inputs.scalars, expected) { #expect(abs(value - reference) < 1e-15) }
}

// MARK: - Nested spheres

@Test("Nested spheres: every −1 point has ‖x‖ ≤ r₁ and every +1 point has r₂ ≤ ‖x‖ ≤ r₃")
func nestedSpheresGeometry() throws {
    for (dimension, radii) in [(1, (0.5, 1.0, 1.5)), (3, (0.5, 1.0, 1.5)), (50, (0.2, 0.9, 1.0))] {
        let data = try Dataset.nestedSpheres(dimension: dimension, count: 400, innerRadius: radii.0,
                                             shellInnerRadius: radii.1, shellOuterRadius: radii.2, seed: 11)
        #expect(data.inputs.shape == [400, dimension])
        #expect(data.classCounts == [200, 200])
        let tolerance = 1e-12
        for i in 0..<data.count {
            let norm = rowNorm(data.inputs, i)
            if data.targets.scalars[i] == -1 {
                #expect(norm <= radii.0 * (1 + tolerance))
            } else {
                #expect(data.targets.scalars[i] == 1)
                #expect(norm >= radii.1 * (1 - tolerance) && norm <= radii.2 * (1 + tolerance))
            }
        }
    }
}

@Test("Nested spheres are uniform in volume: in 3-D about 1/8 of the ball lies within r₁/2")
func nestedSpheresUniformInVolume() throws {
    let data = try Dataset.nestedSpheres(dimension: 3, count: 4000, seed: 2)
    let ball = (0..<2000).map { rowNorm(data.inputs, $0) }
    let innerFraction = Double(ball.filter { $0 <= 0.25 }.count) / 2000
    #expect(abs(innerFraction - 0.125) < 0.03)  // a uniform radius would give 1/2
    // Shell: P(‖x‖ ≤ ρ) = (ρ³ − r₂³) / (r₃³ − r₂³); at ρ = 1.25 that is 0.8281/2.375 ≈ 0.349.
    let shell = (2000..<4000).map { rowNorm(data.inputs, $0) }
    let shellFraction = Double(shell.filter { $0 <= 1.25 }.count) / 2000
    #expect(abs(shellFraction - (1.25 * 1.25 * 1.25 - 1) / (3.375 - 1)) < 0.03)
}

// MARK: - Function regression

@Test("Noise-free sine regression: targets equal sin(inputs), inputs lie in the interval")
func sineRegression() throws {
    let data = try Dataset.functionRegression(count: 100, on: -2...5, seed: 4, named: .sine)
    #expect(data.inputs.shape == [100, 1] && data.targets.shape == [100, 1])
    #expect(data.classCount == 0 && data.labels.isEmpty)
    #expect(data.targets.scalars == data.inputs.scalars.map { sin($0) })
    #expect(data.inputs.scalars.allSatisfy { -2 <= $0 && $0 <= 5 })
}

@Test("Regression noise has the requested standard deviation and a closure's error is rethrown")
func regressionNoiseAndClosureErrors() throws {
    let sigma = 0.3
    let data = try Dataset.functionRegression(count: 4000, on: 0...1, noise: sigma, seed: 9) { 2 * $0 + 1 }
    let residuals = zip(data.inputs.scalars, data.targets.scalars).map { $1 - (2 * $0 + 1) }
    let mean = residuals.reduce(0, +) / Double(residuals.count)
    let deviation = (residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(residuals.count)).squareRoot()
    #expect(abs(mean) < 0.03 && abs(deviation - sigma) < 0.03)

    struct Refused: Error, Equatable {}
    #expect(throws: Refused()) {
        try Dataset.functionRegression(count: 3, on: 0...1, seed: 0) { _ in throw Refused() }
    }
    #expect(throws: DatasetError.self) {
        try Dataset.functionRegression(count: 3, on: 0...1, seed: 0) { _ in .nan }
    }
}

// MARK: - Construction and parameter errors

@Test("Bad generator arguments throw DatasetError.invalidParameter naming the parameter")
func invalidGeneratorArguments() {
    func name(_ body: () throws -> Dataset) -> String? {
        do { _ = try body(); return nil } catch let DatasetError.invalidParameter(name, _) { return name } catch { return "other" }
    }
    #expect(name { try .twoSpirals(count: -1, seed: 0) } == "count")
    #expect(name { try .twoSpirals(count: 10, turns: 0, seed: 0) } == "turns")
    #expect(name { try .twoMoons(count: 10, noise: -0.1, seed: 0) } == "noise")
    #expect(name { try .concentricCircles(count: 10, factor: 1, seed: 0) } == "factor")
    #expect(name { try .nestedSpheres(dimension: 0, count: 10, seed: 0) } == "dimension")
    #expect(name { try .nestedSpheres(dimension: 2, count: 10, innerRadius: 1.2, seed: 0) } == "radii")
    #expect(name { try .functionRegression(count: 5, on: 0...Double.infinity, seed: 0, named: .cube) } == "interval")
}

@Test("Labels become ±1 or one-hot targets; inconsistent labels throw")
func labelEncodings() throws {
    let inputs = try Tensor(shape: [3, 1], scalars: [0, 1, 2])
    let oneHot = try Dataset(inputs: inputs, labels: [2, 0, 1], classCount: 3, encoding: .oneHot)
    #expect(oneHot.targets.shape == [3, 3])
    #expect(oneHot.targets.scalars == [0, 0, 1, 1, 0, 0, 0, 1, 0])
    let signed = try Dataset(inputs: inputs, labels: [1, 0, 1], classCount: 2, encoding: .signed)
    #expect(signed.targets.scalars == [1, -1, 1])
    #expect(throws: DatasetError.self) { try Dataset(inputs: inputs, labels: [0, 3, 1], classCount: 3, encoding: .oneHot) }
    #expect(throws: DatasetError.self) { try Dataset(inputs: inputs, labels: [0, 1], classCount: 3, encoding: .oneHot) }
    #expect(throws: DatasetError.self) { try Dataset(inputs: inputs, labels: [0, 1, 2], classCount: 3, encoding: .signed) }
}

// MARK: - Split, subset, batches

@Test("Split is seeded, disjoint and complete, with round(f·n) test samples")
func splitIsSeededDisjointComplete() throws {
    let data = try indexedDataset(count: 103)
    let (train, test) = try data.split(testFraction: 0.25, seed: 42)
    #expect(test.count == 26 && train.count == 77)
    let trainIndices = train.inputs.scalars.map { Int($0) }
    let testIndices = test.inputs.scalars.map { Int($0) }
    #expect(Set(trainIndices).isDisjoint(with: testIndices))
    #expect((trainIndices + testIndices).sorted() == Array(0..<103))
    #expect(train.labels == trainIndices.map { $0 % 3 })  // labels travel with their samples
    let again = try data.split(testFraction: 0.25, seed: 42)
    #expect(again.train == train && again.test == test)
    #expect(try data.split(testFraction: 0.25, seed: 43).test != test)
    #expect(throws: DatasetError.invalidParameter(name: "testFraction", reason: "must be in [0, 1]; got 1.5")) {
        try data.split(testFraction: 1.5, seed: 0)
    }
}

@Test("Subset gathers rows of inputs, targets and labels; a bad index throws indexOutOfRange")
func subsetGathersRows() throws {
    let data = try indexedDataset(count: 10)
    let picked = try data.subset([7, 2, 2])
    #expect(picked.inputs.scalars == [7, 2, 2])
    #expect(picked.labels == [1, 2, 2])
    #expect(row(picked.targets, 0) == [0, 1, 0])
    #expect(throws: DatasetError.indexOutOfRange(index: 10, count: 10)) { try data.subset([0, 10]) }
}

@Test("Shuffled batches cover every index once in batches of the given size, reproducibly")
func shuffledBatchesPartitionTheIndices() throws {
    let data = try indexedDataset(count: 23)
    var generator = SeededGenerator(seed: 5)
    let batches = try data.shuffledBatches(batchSize: 5, using: &generator)
    #expect(batches.map(\.count) == [5, 5, 5, 5, 3])
    #expect(batches.flatMap { $0 }.sorted() == Array(0..<23))
    #expect(batches.flatMap { $0 } != Array(0..<23))
    let nextEpoch = try data.shuffledBatches(batchSize: 5, using: &generator)
    #expect(nextEpoch != batches)
    var replay = SeededGenerator(seed: 5)
    let datasets = try data.batches(size: 5, using: &replay)
    #expect(datasets.map { $0.inputs.scalars.map { Int($0) } } == batches)
    #expect(throws: DatasetError.self) { try data.shuffledBatches(batchSize: 0, using: &generator) }
}

// MARK: - Digits

@Test("Bundled digits: 1,797 samples, 64 features in [0, 1], 10 classes with scikit-learn's class counts")
func bundledDigits() throws {
    let digits = try Dataset.digits()
    #expect(digits.inputs.shape == [1797, 64])
    #expect(digits.targets.shape == [1797, 10])
    #expect(digits.classCount == 10)
    #expect(digits.inputs.scalars.allSatisfy { 0 <= $0 && $0 <= 1 })
    #expect(digits.inputs.scalars.max() == 1)
    #expect(digits.classCounts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    #expect(digits.classCounts.reduce(0, +) == 1797)
    // First CSV row: 0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,… label 0.
    #expect(Array(row(digits.inputs, 0).prefix(16)) == [0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0].map { $0 / 16 })
    #expect(digits.labels[0] == 0 && digits.labels[1] == 1)
    #expect(row(digits.targets, 0) == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
}

@Test("Digits CSV from text or a file: pixels / 16, CRLF and blank lines accepted")
func digitsFromTextAndFile() throws {
    let text = csvLine(pixel: 4, label: 3) + "\r\n\r\n" + csvLine(pixel: 16, label: 9) + "\n"
    let fromText = try Dataset.digits(csv: text)
    #expect(fromText.inputs.shape == [2, 64] && fromText.labels == [3, 9])
    #expect(row(fromText.inputs, 0).allSatisfy { $0 == 0.25 } && row(fromText.inputs, 1).allSatisfy { $0 == 1 })

    let url = FileManager.default.temporaryDirectory.appendingPathComponent("resode-digits-\(getpid()).csv")
    try text.write(to: url, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: url) }
    #expect(try Dataset.digits(contentsOf: url) == fromText)
    let missing = url.appendingPathExtension("missing")
    #expect(throws: DatasetError.self) { try Dataset.digits(contentsOf: missing) }
}

@Test("Malformed digits CSV throws the typed error naming the row")
func malformedDigitsCSV() throws {
    let good = csvLine()
    #expect(throws: DatasetError.wrongColumnCount(row: 2, columns: 64, expected: 65)) {
        try Dataset.digits(csv: good + "\n" + csvLine(columns: 64) + "\n")
    }
    #expect(throws: DatasetError.invalidNumber(row: 3, column: 3, text: " x")) {
        try Dataset.digits(csv: good + "\n" + good + "\n0,0, x," + good)
    }
    #expect(throws: DatasetError.invalidNumber(row: 1, column: 2, text: "1.5")) {
        try Dataset.digits(csv: "0,1.5," + good)
    }
    #expect(throws: DatasetError.labelOutOfRange(row: 2, label: 10, classCount: 10)) {
        try Dataset.digits(csv: good + "\n" + csvLine(label: 10))
    }
    #expect(throws: DatasetError.pixelOutOfRange(row: 1, column: 1, value: 17)) {
        try Dataset.digits(csv: csvLine(pixel: 17))
    }
    #expect(throws: DatasetError.noRows(source: "the CSV text")) { try Dataset.digits(csv: "\n \n") }
    let message = String(describing: DatasetError.wrongColumnCount(row: 2, columns: 64, expected: 65))
    #expect(message == "row 2 has 64 columns; expected 65")
}
