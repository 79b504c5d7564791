// SPDX-License-Identifier: GPL-3.0-or-later
import ResidualNets
import NetworkLayers
import TensorCore
import Training

extension He2016Degradation {
    /// The flow of the spiral data through the depth of a trained residual network:
    /// the two interleaved classes, padded with a zero to width 3, are moved by the
    /// blocks `x_{l+1} = x_l + h·F_l(x_l)` until a linear read-out separates them.
    /// The figure shows the first two state coordinates at `l = 0`, `L/2` and `L`.
    ///
    /// Columns: layer, x₁, x₂, class.
    static func spiralFlowFigure(depth: Int = 8, epochs: Int) throws -> Figure {
        let data = try ClassifierRuns.spirals()
        let spec = try ResidualNetworkSpec(dimension: 3, hidden: 32, depth: depth, stepSize: 4 / Double(depth))
        var classifier = try Classifier(inputWidth: 2, stateWidth: 3, outputs: 2, embedding: .zeroPadding,
                                        body: ResidualNetwork(spec: spec, seed: 21), seed: 22)
        _ = try ClassifierRuns.train(&classifier, on: data, epochs: epochs, learningRate: 0.02, seed: 23)
        let theta = classifier.parameters.values.map { Variable($0) }
        let x0 = try classifier.embed(Variable(data.test.inputs), parameters: theta)
        let body = try classifier.body
        let states = try body.states(x0, parameters: body.parameters.values.map { Variable($0) })
        var rows: [[Double]] = []
        for layer in [0, depth / 2, depth] {
            let s = states[layer].value
            for (i, label) in data.test.labels.enumerated() {
                rows.append([Double(layer), s[i, 0], s[i, 1], Double(label)])
            }
        }
        let panels = [0, depth / 2, depth].map { l in
            "plot DATA using ($1 == \(l) && $4 == 0 ? $2 : 1/0):3 with points pt 7 ps 0.5 lc rgb '#1f77b4' title 'class 0', "
            + "DATA using ($1 == \(l) && $4 == 1 ? $2 : 1/0):3 with points pt 5 ps 0.5 lc rgb '#d62728' title 'class 1'"
        }
        // Equal axes in every panel: the flow's geometry (stretching, folding) is the point of the figure.
        let script = """
            set multiplot layout 1,3 title TITLE
            set size ratio -1
            set xlabel 'x_1 (state coordinate 1)'
            set ylabel 'x_2 (state coordinate 2)'
            set autoscale yfix
            set offsets graph 0.04, graph 0.04, graph 0.04, graph 0.04
            set key below
            set title 'l = 0 (input, padded with x_3 = 0)'
            \(panels[0])
            unset key
            set title 'l = \(depth / 2)'
            \(panels[1])
            set title 'l = \(depth) (to the read-out)'
            \(panels[2])
            unset multiplot
            """
        let testCount = data.test.labels.count
        return Figure(name: "spiral-flow",
                      title: "Two spirals through a trained residual network (width 3, hidden \(spec.hidden), L = \(depth), h = 4/L, "
                        + "\(epochs) epochs, seeds 21–23): first two coordinates of x_l for the \(testCount) test points",
                      columns: ["layer", "x1", "x2", "class"], rows: rows, gnuplot: script, size: Figure.Size(width: 1400, height: 500))
    }
}
