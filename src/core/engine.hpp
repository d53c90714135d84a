#pragma once

#include "app/options.hpp"

#include <functional>

namespace volley {

/// Exit statuses (docs/output.md).
enum ExitCode : int {
  exit_ok = 0,            // every URL got a complete HTTP response
  exit_url_errors = 1,    // at least one URL ended in an error
  exit_usage = 2,         // bad flags, unreadable input, unwritable output
  exit_broken_pipe = 141, // the reader of our output went away (as if killed by SIGPIPE)
};

class Crawler;
class InputSource;
class JsonlWriter;
class ResumeFile;
class Transport;
class StateStore;
struct LinePlan;

/// The whole fetch: input_reader → scheduler → reactor → result_builder → jsonl_writer, retries
/// looping back through the scheduler; returns the process exit status. It runs over a given
/// transport (the engine's tests pass a fake). `wake_fd` (-1: none) is watched so that a signal ends a wait; `signalled` says which signal asks the run to stop
/// (0: none; empty: the process's own, received_signal()). `resume` (null: none) is --resume's
/// output file, which the writer writes to once the input is known to match it. `state`: the
/// --state store, or null. `crawler`: --crawl's frontier, or null.
int run_engine(const Options& options, InputSource& input, JsonlWriter& writer, const LinePlan& plan,
               Transport& transport, int wake_fd, std::function<int()> signalled = {},
               ResumeFile* resume = nullptr, StateStore* state = nullptr, Crawler* crawler = nullptr);

}  // namespace volley
