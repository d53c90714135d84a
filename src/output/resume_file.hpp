#pragma once

#include "output/resume.hpp"

#include <functional>
#include <string>
#include <vector>

namespace volley {

/// Lines a --resume run holds in memory at most while its input (a pipe) has not yet passed the
/// file's highest seq: past it the run stops and exits 2, the file untouched (docs/cron.md).
inline constexpr std::size_t resume_hold_budget = 64 << 20;

/// --resume's output file (docs/cron.md, "Resume after a crash"): read once when opened, left
/// untouched until the input is known to be the one that wrote it, then cut and appended to.
class ResumeFile {
 public:
  /// Opens `path` (creating it), locks it (flock, for the run) and reads its lines. Throws
  /// std::runtime_error, for an exit 2, when it cannot be read or locked, is not a regular file,
  /// or does not start as volley's output does.
  explicit ResumeFile(const std::string& path, std::size_t hold_budget = resume_hold_budget);
  ~ResumeFile();
  ResumeFile(const ResumeFile&) = delete;
  ResumeFile& operator=(const ResumeFile&) = delete;

  /// When every input can be read twice (regular files, URLs given as arguments), reads them now
  /// up to the file's highest seq, so a changed list is refused before anything is fetched, and
  /// cuts the partial last line once they match. Otherwise (a pipe) the engine checks the input
  /// as it reads it. Returns why the run must not go on (the input is not the file's), else "".
  [[nodiscard]] std::string check_inputs_ahead(const std::vector<std::string>& urls, const std::vector<std::string>& inputs);

  /// --crawl: takes the file as the crawl's without reading the input (ResumeCheck::accept) and
  /// cuts the partial last line. Empty, or why it failed.
  [[nodiscard]] std::string accept_crawl() {
    m_check.accept();
    return commit();
  }
  /// Reads the file again and calls `f` with each line that parses, the partial last one aside.
  void for_each_line(const std::function<void(const ResumeLine&)>& f) const;
  bool done(std::uint64_t seq) const { return m_scanner.state().done(seq); }
  /// The file's lines (ResumeScanner::earlier, ResumeState), for a summary of the whole file.
  const Stats& earlier() const { return m_scanner.earlier(); }
  const ResumeState& state() const { return m_scanner.state(); }
  ResumeCheck& check() { return m_check; }
  /// After a mismatch: the sentence for the error, from a second read of the file.
  std::string mismatch_message() const;
  /// Once the check has matched: cuts the partial last line. Empty, or why it failed.
  [[nodiscard]] std::string commit();
  /// While the check is pending, whether `held` bytes of lines are more than the run may hold,
  /// and the sentence for the error then.
  bool holds_too_much(std::size_t held) const {
    return m_check.verdict() == ResumeCheck::Verdict::pending && held > m_hold_budget;
  }
  std::string held_too_much_message() const;
  /// A descriptor that appends to the file, for the writer to own.
  int output_fd() const;

 private:
  void read_inputs(const std::vector<std::string>& urls, const std::vector<std::string>& inputs);

  std::string m_path;
  std::size_t m_hold_budget;
  int m_fd = -1;
  ResumeScanner m_scanner;
  ResumeCheck m_check;
};

}  // namespace volley
