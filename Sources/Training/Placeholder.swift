// SPDX-License-Identifier: GPL-3.0-or-later
// Placeholder until the module's first file lands.
