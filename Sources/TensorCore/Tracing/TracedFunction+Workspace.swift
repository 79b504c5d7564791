// SPDX-License-Identifier: GPL-3.0-or-later

extension TracedFunction {
    /// The buffers one replay needs: an arena for constants and intermediate
    /// values, and every step resolved to raw pointers (its kernel, operand
    /// pointers and output) once, so that a call touches no Swift array.
    /// Binding an input rewrites only the operand slots that read it; the last
    /// step writes straight into the caller's output when it produces the result.
    /// Not thread-safe: one workspace per thread.
    public final class Workspace {
        let function: TracedFunction
        private let arena: UnsafeMutablePointer<Double>
        /// The operand pointers of all steps, step after step.
        private let operandTable: UnsafeMutableBufferPointer<UnsafePointer<Double>>
        private let resolvedSteps: UnsafeMutableBufferPointer<ResolvedStep>
        /// For each input, the operand slots that read it, flattened; `inputSlotStarts[k] ..< inputSlotStarts[k + 1]`.
        private let inputSlots: UnsafeMutableBufferPointer<Int>
        private let inputSlotStarts: UnsafeMutableBufferPointer<Int>
        private let inputCounts: UnsafeMutableBufferPointer<Int>
        private let boundInputs: UnsafeMutableBufferPointer<UnsafePointer<Double>>
        private let outputCount: Int
        /// Whether the last step computes the result (then it writes into the caller's buffer).
        private let lastStepIsResult: Bool

        struct ResolvedStep {
            let kernel: ForwardKernel
            let operands: UnsafePointer<UnsafePointer<Double>>
            let output: UnsafeMutablePointer<Double>
        }

        init(function: TracedFunction) {
            self.function = function
            // Cache-line aligned, as are the slots within it (the vector kernels load 64 bytes at a time).
            let capacity = Swift.max(function.arenaCount, 1)
            let arena = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Double>.stride, alignment: 64)
                .initializeMemory(as: Double.self, repeating: 0, count: capacity)
            for (offset, value) in function.constants {
                value.withUnsafeBufferPointer { buffer in
                    if let base = buffer.baseAddress { (arena + offset).update(from: base, count: buffer.count) }
                }
            }
            self.arena = arena

            let inputCount = function.inputShapes.count
            var slots = [[Int]](repeating: [], count: inputCount)
            let operandCount = function.steps.reduce(0) { $0 + $1.operands.count }
            let table = UnsafeMutableBufferPointer<UnsafePointer<Double>>.allocate(capacity: Swift.max(operandCount, 1))
            table.initialize(repeating: UnsafePointer(arena))
            let resolved = UnsafeMutableBufferPointer<ResolvedStep>.allocate(capacity: function.steps.count)
            var start = 0
            for (index, step) in function.steps.enumerated() {
                for (k, operand) in step.operands.enumerated() {
                    switch operand {
                    case .arena(let offset): table[start + k] = UnsafePointer(arena + offset)
                    case .input(let input): slots[input].append(start + k)
                    }
                }
                // The operand table's base address is non-nil: it holds at least one element.
                let operands = UnsafePointer(table.baseAddress.unsafelyUnwrapped + start)
                (resolved.baseAddress.unsafelyUnwrapped + index)
                    .initialize(to: ResolvedStep(kernel: step.kernel, operands: operands, output: arena + step.outputOffset))
                start += step.operands.count
            }
            operandTable = table
            resolvedSteps = resolved

            let flatSlots = slots.flatMap { $0 }
            inputSlots = .allocate(capacity: Swift.max(flatSlots.count, 1))
            _ = inputSlots.initialize(fromContentsOf: flatSlots + (flatSlots.isEmpty ? [0] : []))
            inputSlotStarts = .allocate(capacity: inputCount + 1)
            var position = 0
            for k in 0..<inputCount {
                inputSlotStarts[k] = position
                position += slots[k].count
            }
            inputSlotStarts[inputCount] = position
            inputCounts = .allocate(capacity: Swift.max(inputCount, 1))
            inputCounts.initialize(repeating: 0)
            for (k, shape) in function.inputShapes.enumerated() { inputCounts[k] = shape.reduce(1, *) }
            boundInputs = .allocate(capacity: Swift.max(inputCount, 1))
            boundInputs.initialize(repeating: UnsafePointer(arena))
            outputCount = function.outputShape.reduce(1, *)
            if case .arena(let offset) = function.output, let last = function.steps.last {
                lastStepIsResult = last.outputOffset == offset
            } else {
                lastStepIsResult = false
            }
        }

        deinit {
            arena.deallocate()
            operandTable.deallocate()
            resolvedSteps.deinitialize().deallocate()
            inputSlots.deallocate()
            inputSlotStarts.deallocate()
            inputCounts.deallocate()
            boundInputs.deallocate()
        }

        /// Points every operand that reads input `k` at `buffer` (valid until the next `run`).
        func bind(input k: Int, to buffer: UnsafeBufferPointer<Double>) throws {
            guard k >= 0, k < inputCounts.count else {
                throw AutodiffError.argumentCount(expected: inputCounts.count, got: k + 1)
            }
            guard buffer.count == inputCounts[k] else {
                throw AutodiffError.shapeMismatch(what: "input \(k) (\(buffer.count) values)",
                                                  expected: function.inputShapes[k], got: [buffer.count])
            }
            // An empty input is never read; any valid address will do.
            let base = buffer.baseAddress ?? UnsafePointer(arena)
            for slot in inputSlotStarts[k]..<inputSlotStarts[k + 1] { operandTable[inputSlots[slot]] = base }
            boundInputs[k] = base
        }

        private func overlapsAnInput(_ start: UnsafeMutablePointer<Double>, count: Int) -> Bool {
            let end = UnsafePointer(start + count)
            for k in 0..<boundInputs.count {
                let input = boundInputs[k]
                if input < end && UnsafePointer(start) < input + inputCounts[k] { return true }
            }
            return false
        }

        /// Runs every step and leaves the result in `output`.
        func run(into output: UnsafeMutableBufferPointer<Double>) throws {
            guard output.count == outputCount else {
                throw AutodiffError.shapeMismatch(what: "output (\(output.count) values)",
                                                  expected: function.outputShape, got: [output.count])
            }
            let stepCount = resolvedSteps.count
            guard outputCount > 0, let destination = output.baseAddress else {
                for step in resolvedSteps { try step.kernel.run(step.operands, step.output) }
                return
            }
            // The last step may write the result in place unless `output` overlaps an input it reads.
            let direct = lastStepIsResult && !overlapsAnInput(destination, count: outputCount)
            for index in 0..<stepCount {
                let step = resolvedSteps[index]
                try step.kernel.run(step.operands, direct && index == stepCount - 1 ? destination : step.output)
            }
            if direct { return }
            switch function.output {
            case .arena(let offset): destination.update(from: arena + offset, count: outputCount)
            case .input(let k): destination.update(from: boundInputs[k], count: outputCount)
            }
        }
    }
}
