#pragma once

#include "app/options.hpp"

namespace volley {

/// Runs the whole fetch that `options` describe: checks the files named against each other, opens
/// the input, the output and the stores, and hands them to the engine (run_engine). Returns the
/// process exit status.
int run(const Options& options);

}  // namespace volley
