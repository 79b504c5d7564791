// SPDX-License-Identifier: GPL-3.0-or-later

/// Loss functions on variables, each a mean over the batch (axis 0) so that the
/// scale of the loss and of its gradient does not depend on the batch size.
/// Targets and labels are constants: only the model's outputs are differentiated.
public enum Loss {}
