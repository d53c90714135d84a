#include "queue/enqueue_command.hpp"

#include "app/help_format.hpp"
#include "core/engine.hpp"
#include "input/shard.hpp"
#include "queue/enqueue.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace volley {

int enqueue_command(int argc, char** argv) {
  EnqueueOptions o;
  CLI::App app{"volley enqueue: add one Redis stream entry per input URL for workers to fetch (docs/fleet.md)",
               "volley enqueue"};
  // As a run's --help (app/help_format.hpp): no CLI11 type notes, lines within 100 columns.
  use_help_format(app,
                  "Usage: volley enqueue redis://[:PASSWORD@]HOST[:PORT]/STREAM [-i FILE]... [--shards N]\n",
                  "Workers fetch the entries with volley --queue (volley --help, docs/fleet.md).\n");
  app.option_defaults()->group("Flags");
  app.add_option("STREAM", o.queue, "The Redis stream to add to: redis://[:PASSWORD@]HOST[:PORT]/STREAM")->required();
  app.add_option("-i,--input", o.inputs, "File of URLs or request objects, one per line; repeatable; - is stdin")
      ->allow_extra_args(false)
      ->option_text("FILE");
  app.add_option("-o,--output", o.output, "Write the lines of refused input to FILE instead of stdout")
      ->option_text("FILE");
  app.add_option("--shards", o.shards, "Spread hosts over STREAM:1 ... STREAM:N by the hash --shard uses")
      ->check(CLI::Range(1u, max_shard_count))
      ->option_text("N");
  app.add_flag("-q,--quiet", o.quiet, "Do not say how many entries were added");
  app.set_help_flag("-h,--help", "Print this help, and exit");
  try {
    std::vector<std::string> args(argv, argv + argc);
    std::reverse(args.begin(), args.end());  // CLI11 takes a vector last argument first
    app.parse(std::move(args));
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string text = e.what();
    std::replace(text.begin(), text.end(), '\n', ' ');
    spdlog::error("enqueue: {}", text);
    return exit_usage;
  }
  // As a run does: a bare command at a prompt would wait on the terminal with no hint why.
  if (o.inputs.empty() && ::isatty(STDIN_FILENO)) {
    std::fputs("Usage: volley enqueue redis://HOST:PORT/STREAM [-i FILE]...   (or: COMMAND | volley enqueue ...)\n"
               "Try 'volley enqueue --help' for more information.\n",
               stderr);
    return exit_usage;
  }
  return run_enqueue(o);
}

}  // namespace volley
