// SPDX-License-Identifier: GPL-3.0-or-later

extension Dataset {
    /// The data as training samples (inputs, targets, labels).
    public var samples: Samples {
        get throws { try Samples(inputs: inputs, targets: targets, labels: labels) }
    }
}
