// SPDX-License-Identifier: GPL-3.0-or-later
// `import ResODE` gives the whole public API.
@_exported import TensorCore
@_exported import NetworkLayers
@_exported import RungeKuttaMethods
@_exported import NumPyIO
@_exported import GSLBridge
@_exported import ResidualNets
@_exported import Training
@_exported import ContinuousDepth
@_exported import DepthAnalysis
@_exported import Experiments
