#pragma once

namespace volley {

/// `volley enqueue ...`: parses its own flags (argv without "volley enqueue") and runs it.
/// Returns the exit status.
int enqueue_command(int argc, char** argv);

}  // namespace volley
