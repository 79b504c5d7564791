// SPDX-License-Identifier: GPL-3.0-or-later

/// Every reproduction `resode paper` and `resode report` know, in report order, and
/// lookup by id.
public enum PaperRegistry {
    /// The registered papers: the seed claims first, then the papers in order of publication.
    public static let all: [any Paper] = [
        SeedGradientHighway(),
        SeedEigenAnchor(),
        SeedSaddle(),
        EulerConvergence(),
        Haber2017Stability(),
        UNetLongSkips(),
        He2016Degradation(),
        He2016IdentityMappings(),
        Veit2016Ensembles(),
        Chen2018ODENet(),
        Dupont2019ANODE(),
    ]

    /// The ids of `all`, in order.
    public static var ids: [String] { all.map(\.id) }

    /// The paper with the given id among `all`.
    /// - Throws: `ExperimentError.unknownPaper` naming the known ids.
    public static func paper(id: String) throws -> any Paper {
        try paper(id: id, in: all)
    }

    /// The paper with the given id among `papers`.
    /// - Throws: `ExperimentError.unknownPaper` naming the ids of `papers`.
    public static func paper(id: String, in papers: [any Paper]) throws -> any Paper {
        guard let found = papers.first(where: { $0.id == id }) else {
            throw ExperimentError.unknownPaper(id: id, known: papers.map(\.id))
        }
        return found
    }

    /// The papers with the given ids, in the order given (all of `papers` for an empty list).
    /// - Throws: `ExperimentError.unknownPaper` for the first unknown id,
    ///   `ExperimentError.duplicatePaperID` for an id given twice.
    public static func papers(ids: [String], in papers: [any Paper] = all) throws -> [any Paper] {
        if ids.isEmpty { return papers }
        var seen = Set<String>()
        return try ids.map { id in
            guard seen.insert(id).inserted else { throw ExperimentError.duplicatePaperID(id) }
            return try paper(id: id, in: papers)
        }
    }
}
