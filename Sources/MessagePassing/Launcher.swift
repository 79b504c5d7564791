// SPDX-License-Identifier: GPL-3.0-or-later

/// How a process learns whether an MPI launcher started it.
///
/// Open MPI's `mpirun` sets `OMPI_COMM_WORLD_SIZE`; PMIx launchers (Open MPI,
/// Slurm's `srun --mpi=pmix`) set `PMIX_RANK`; PMI-1/2 launchers (MPICH's
/// Hydra, `srun --mpi=pmi2`) set `PMI_RANK`/`PMI_SIZE`. Without any of them the
/// process runs alone and never calls `MPI_Init`: a "singleton" `MPI_Init` does work
/// with Open MPI 4.1 but costs ≈ 0.5 s per start (it launches a local runtime
/// daemon), which every `resode` command would pay for nothing.
public enum Launcher {
    /// The environment variables whose presence means "started by an MPI launcher".
    public static let variables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"]

    /// Whether `environment` (by default the process's) shows an MPI launcher.
    public static func isLaunched(environment: [String: String]) -> Bool {
        variables.contains { environment[$0] != nil }
    }
}
