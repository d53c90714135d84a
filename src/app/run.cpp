#include "app/run.hpp"

#include "core/engine.hpp"
#include "core/memory_cap.hpp"
#include "core/signals.hpp"
#include "crawl/crawler.hpp"
#include "input/input_reader.hpp"
#include "net/reactor.hpp"
#include "output/jsonl_writer.hpp"
#include "output/line_plan.hpp"
#include "output/resume_file.hpp"
#include "output/summary_file.hpp"
#include "queue/queue_input.hpp"
#include "state/state_store.hpp"
#include "util/directories.hpp"
#include "util/rss.hpp"
#include "util/same_file.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <unistd.h>

namespace volley {

namespace {

// --max-memory holds back only the read-ahead: a fixed part that alone does not fit would have
// the run fail later, or hold its RSS above the cap whatever it reads, so it ends here instead.
void check_memory_fit(const Options& options, bool keeps_bodies) {
  if (options.max_memory == 0) return;
  const std::uint64_t baseline = current_rss_bytes();
  const std::uint64_t needed = fixed_memory_bytes(baseline, options.concurrency, keeps_bodies, options.max_body);
  spdlog::debug("--max-memory {}: the fixed part is {} ({} at start)", human_bytes(options.max_memory),
                human_bytes(needed), human_bytes(baseline));
  if (needed > options.max_memory)
    throw std::runtime_error(
        memory_too_small_message(options.max_memory, needed, options.concurrency, keeps_bodies, options.max_body));
}

}  // namespace

int run(const Options& options) {
  int wake_fd = -1;
  // Whether two files named are one needs the filesystem, so it is asked here and not in
  // check_flag_rules (flag_rules.hpp says why). Before anything is opened: opening the output empties it.
  const std::vector<std::string> stdin_only{"-"};
  const auto& inputs = options.inputs.empty() && options.urls.empty() && options.queue.empty() ? stdin_only : options.inputs;
  if (auto same = input_same_as_output(options.output, inputs)) {
    spdlog::error("output {} is the same file as input {}", options.output.empty() ? "(stdout)" : options.output,
                  *same == "-" ? "(stdin)" : *same);
    return exit_usage;
  }
  if (auto same = same_as_output_or_input(options.summary_json, options.output, inputs)) {
    spdlog::error("--summary-json {} is the same file as the {}", options.summary_json, *same);
    return exit_usage;
  }
  // SQLite would read the lines written over its pages as a malformed database, and lose it.
  if (auto same = same_as_output_or_input(options.state, options.output, inputs)) {
    spdlog::error("--state {} is the same file as the {}", options.state, *same);
    return exit_usage;
  }
  if (!options.state.empty() && same_as_output_or_input(options.summary_json, options.state, {})) {
    spdlog::error("--summary-json {} is the same file as --state {}", options.summary_json, options.state);
    return exit_usage;
  }
  std::unique_ptr<InputSource> input;
  LinePlan plan;
  std::optional<ResumeFile> resume;
  std::optional<StateStore> state;
  std::optional<Crawler> crawler;
  int out_fd = STDOUT_FILENO;
  try {
    // First of all: a flag's value that the plan or --max-memory refuses leaves every file as it
    // was, and makes no directory.
    plan = plan_lines(options);
    if (options.crawl) crawler.emplace(options, CrawlRules(options));
    check_memory_fit(options, plan.has_body_work());
    // Missing directories are made as --save makes them (util/directories.hpp says why).
    if (!options.summary_json.empty()) {
      std::string why = make_parent_directories(options.summary_json);
      if (why.empty()) why = check_summary_path(options.summary_json);
      if (!why.empty()) throw std::runtime_error("cannot write --summary-json " + options.summary_json + ": " + why);
    }
    // Before the output is opened (and emptied): a state file in use leaves everything as it was.
    if (!options.state.empty()) state.emplace(options.state);
    wake_fd = install_signal_handlers();
    if (options.queue.empty())
      input = std::make_unique<InputReader>(options.urls, options.inputs);
    else
      input = open_queue(options, out_fd);
    if (!options.output.empty())
      if (std::string why = make_parent_directories(options.output); !why.empty())
        throw std::runtime_error("cannot open output " + options.output + ": " + why);
    if (options.resume) {
      resume.emplace(options.output);
      if (std::string why = options.crawl ? resume->accept_crawl()
                                          : resume->check_inputs_ahead(options.urls, options.inputs);
          !why.empty())
        throw std::runtime_error(why);
      out_fd = resume->output_fd();
    } else if (!options.output.empty()) {
      out_fd = JsonlWriter::open_output(options.output, options.append);
    }
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return exit_usage;
  }
  JsonlWriter writer(out_fd, plan.fields);
  try {
    Reactor reactor(options, plan.has_body_work());
    return run_engine(options, *input, writer, plan, reactor, wake_fd, {}, resume ? &*resume : nullptr,
                      state ? &*state : nullptr, crawler ? &*crawler : nullptr);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return exit_usage;
  }
}

}  // namespace volley
