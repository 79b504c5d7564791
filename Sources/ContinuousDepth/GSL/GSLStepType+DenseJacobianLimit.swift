// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge

extension GSLStepType {
    /// The largest flat system `n = batch·d` given to a GSL stepper that uses the
    /// Jacobian (`rk1imp rk2imp rk4imp bsimp msbdf`): 1 024.
    ///
    /// GSL's implicit steppers take `∂f/∂y` as one dense `n × n` matrix and factor
    /// it (LU, `(2/3)n³` flops), although a batch of independent samples has a
    /// block-diagonal Jacobian. At `n = 1 024` the matrix takes 8 MiB and one
    /// factorisation 0.7 GFLOP; both grow with the batch like `n²` and `n³`
    /// (W3's batch 256 × d 32 would need 512 MiB per matrix; `msbdf` on a d = 4
    /// node took 22 s at batch 500 and 444 s at batch 1 500). Above the limit the
    /// solve is refused; `kvaerno5` and `rodas4` factor the `batch` blocks of
    /// size `d × d` instead, in time linear in the batch.
    public static let maximumDenseJacobianDimension = 1_024

    /// Refuses a system too large for a dense Jacobian (see `maximumDenseJacobianDimension`).
    /// - Throws: `ContinuousDepthError.invalidOption(name: "solver", …)` naming the size, the
    ///   memory of the matrix and the batched implicit solvers to use instead.
    func checkDenseJacobianSize(batch: Int, dimension d: Int) throws {
        let n = batch * d
        guard usesJacobian, n > GSLStepType.maximumDenseJacobianDimension else { return }
        let mebibytes = Int((Double(n) * Double(n) * 8 / 1_048_576).rounded(.up))
        throw ContinuousDepthError.invalidOption(
            name: "solver",
            reason: "GSL's \(rawValue) factors the dense (batch·d)² Jacobian: batch·d = \(batch)·\(d) = \(n) needs "
                + "\(mebibytes) MiB per matrix and (2/3)·\(n)³ flops per factorisation; it is "
                + "limited to batch·d ≤ \(GSLStepType.maximumDenseJacobianDimension). Use kvaerno5 or rodas4, which "
                + "factor the batch's \(d)×\(d) blocks in time linear in the batch")
    }
}
