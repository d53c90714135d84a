#pragma once

#include "core/stats.hpp"
#include "net/error_kind.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace volley {

// --resume (docs/cron.md, "Resume after a crash"): what an output file already holds, and whether
// it was written from the same input. Pure: resume_file.hpp does the reading and the cutting.
//
// Memory does not grow with the URLs' text: two bits per seq (has a line, is done) in blocks of
// resume_block seqs, and one 64-bit digest per block, the sum of digest(seq, url) over its lines.
// The input is checked against a block's digest as it passes the block, so a list that changed is
// found without keeping any URL of the file.

inline constexpr std::uint64_t resume_block = 1024;

/// One line of an output file, as far as --resume reads it: its seq and URL for the check, and
/// its outcome for the summary, which describes the whole file (docs/output.md, "Summary").
struct ResumeLine {
  std::uint64_t seq = 0;
  std::string url;  // decoded
  ErrorKind error = ErrorKind::none;
  std::optional<long> status;
  std::uint64_t size = 0;
  std::int64_t total_us = 0;  // time.total
  int attempts = 0;
  bool cached = false;
  // --crawl's (docs/crawl-state.md: a page with a line the state file never heard of).
  int depth = -1;      // -1: none
  std::string parent;  // empty: none (a seed)

  bool interrupted() const { return error == ErrorKind::interrupted; }
};

/// nullopt unless `line` is a JSON object with a string "url", a positive integer "seq" and an
/// "error" that is null or an object with a string "kind". `status`, `size`, `time.total`,
/// `attempts` and `cached` are read when they hold what volley writes there, and left at their
/// defaults otherwise: they only feed the summary. A trailing CR is whitespace, so a file whose
/// line ends were turned into CRLF still reads.
std::optional<ResumeLine> parse_resume_line(std::string_view line);

/// What both sides hash for one line: FNV-1a of the URL as the output writes it (an input URL
/// that is not UTF-8 is compared as the U+FFFD-substituted text its line carries), mixed with seq.
std::uint64_t resume_digest(std::uint64_t seq, std::string_view url);
/// The text a line's "url" holds for an input URL (the URL itself unless it is not valid UTF-8).
std::string written_url(std::string_view url);

/// The seqs that have lines in the file, those of them done, and the per-block digests.
class ResumeState {
 public:
  void add(const ResumeLine& line);

  /// A line that is not `interrupted` names this seq: it gets no request and no new line.
  bool done(std::uint64_t seq) const;
  /// How many lines of the file name this seq (0 for most seqs not done).
  std::uint32_t lines_of(std::uint64_t seq) const;
  std::uint64_t digest_of_block(std::uint64_t block) const;
  /// The highest seq of any line; 0 for a file without lines.
  std::uint64_t max_seq() const { return m_max_seq; }
  std::uint64_t done_count() const { return m_done; }
  /// Seqs whose every line is `interrupted`: fetched again by the next run.
  std::uint64_t unfinished_count() const { return m_seqs - m_done; }
  std::uint64_t line_count() const { return m_lines; }
  /// Bytes held, roughly: for the memory bound in the tests.
  std::size_t memory_bytes() const;

 private:
  struct Block {
    std::array<std::uint64_t, resume_block / 64> has_line{};
    std::array<std::uint64_t, resume_block / 64> done{};
    std::uint64_t digest = 0;
  };
  // A map of blocks rather than one vector: a damaged file may name a seq in the billions.
  std::unordered_map<std::uint64_t, Block> m_blocks;
  std::unordered_map<std::uint64_t, std::uint32_t> m_extra_lines;  // seq -> lines past the first
  std::uint64_t m_max_seq = 0;
  std::uint64_t m_done = 0;
  std::uint64_t m_seqs = 0;
  std::uint64_t m_lines = 0;
};

/// The longest line --resume reads; a longer one is not kept in memory while it is read, and
/// counts as not volley's. Plain lines are far shorter (a URL is at most max_url_length); only
/// --links, --extract or --headers over a page of megabytes come near, and such a URL is then
/// fetched again (docs/cron.md).
inline constexpr std::size_t resume_max_line = 8 << 20;

/// Splits bytes given in any chunks into lines; the last one may lack its newline. A line longer
/// than `max_line` is handed out empty and only its start is kept: a damaged file (a power cut's
/// gigabytes of NULs) costs no more memory than a line.
class LineSplitter {
 public:
  explicit LineSplitter(std::size_t max_line = resume_max_line) : m_max(max_line) {}
  /// Calls on_line(text, offset of its first byte) for each complete line, newline excluded.
  template <class F>
  void feed(std::string_view bytes, F&& on_line);
  /// Bytes follow the last newline (the file did not end with one).
  bool has_tail() const { return m_length != 0; }
  std::uint64_t tail_offset() const { return m_line_start; }

 private:
  void keep(std::string_view bytes);

  std::size_t m_max;
  std::string m_line;        // the line so far, unless it is longer than m_max
  std::uint64_t m_length = 0;  // the line so far, in bytes
  std::uint64_t m_line_start = 0;
};

/// Reads an output file: fills a ResumeState and finds the partial last line to cut off.
/// The last line is partial when it has no newline (the run was killed mid-write) or does not
/// parse (a file system may leave NUL bytes past the end after a power cut); it is cut and its
/// URL fetched again. A file of NULs only is cut to nothing. Nothing is cut from a file that is
/// not volley's output (looks_like_output()): the caller refuses it. Any other line that does not parse is left where it is, counted, and names
/// no seq, so its URL is fetched again unless another line has it.
class ResumeScanner {
 public:
  void feed(std::string_view bytes);
  void finish();

  const ResumeState& state() const { return m_state; }
  /// The summary's counts over the lines that stay, an `interrupted` line aside: one is the
  /// last of its seq only until the run fetches that URL again (ResumeState::unfinished_count).
  const Stats& earlier() const { return m_earlier; }
  /// The file's length without its partial last line (valid after finish()).
  std::uint64_t keep_bytes() const { return m_keep; }
  std::uint64_t size() const { return m_size; }
  /// Lines that do not parse and are not the last: kept, counted, named by their first.
  std::uint64_t bad_lines() const { return m_bad; }
  std::uint64_t first_bad_line() const { return m_first_bad; }
  /// At least one line is volley's, or the file is empty or only NULs (what a power cut may leave
  /// of a file just created). Anything else is not volley's output, and is not to be cut.
  bool looks_like_output() const { return m_all_nul || m_state.line_count() != 0; }

 private:
  void line(std::string_view text, std::uint64_t offset);

  LineSplitter m_split;
  ResumeState m_state;
  Stats m_earlier;
  std::uint64_t m_size = 0;
  std::uint64_t m_keep = 0;
  std::uint64_t m_line_no = 0;
  std::uint64_t m_bad = 0;
  std::uint64_t m_first_bad = 0;
  // The last complete line did not parse: it is cut unless another line follows it.
  std::optional<std::uint64_t> m_pending_bad_offset;
  bool m_all_nul = true;  // so far, every byte is NUL (true of an empty file)
};

/// Where the input and the file disagree: in the block of seqs [first, last] (or past the input's
/// end), with the input's URLs for that block's seqs that have lines, kept to explain it.
struct ResumeMismatch {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  std::uint64_t input_urls = 0;  // URLs read when the input ended; 0 while it goes on
  std::vector<std::pair<std::uint64_t, std::string>> input;  // seq, URL (cut for the message)
  std::vector<std::uint64_t> input_digests;  // digest per seq in `input`, same order
};

/// Checks, as the input is read, that every line of the file names the input's URL of its seq.
/// The input's URLs arrive in seq order, each exactly once (every URL read, whatever --shard does).
class ResumeCheck {
 public:
  enum class Verdict { pending, match, mismatch };

  explicit ResumeCheck(const ResumeState& state);
  void add(std::uint64_t seq, std::string_view url);
  /// The input ended (after the last URL given to add()).
  void end_of_input();
  /// A --crawl's file: its seqs are the crawl's own count, not the input's, so there is nothing
  /// to check them against; the state file knows which page each seq is (docs/crawl-state.md).
  void accept() { m_verdict = Verdict::match; }
  /// pending until the input has passed the file's highest seq (or ended).
  Verdict verdict() const { return m_verdict; }
  const ResumeMismatch& mismatch() const { return m_mismatch; }

 private:
  void close_block();

  const ResumeState* m_state;
  Verdict m_verdict;
  std::uint64_t m_block = 0;
  std::uint64_t m_sum = 0;
  std::uint64_t m_last_seq = 0;
  ResumeMismatch m_mismatch;  // the current block's input while pending
};

/// A second read of the file, after a mismatch: finds the first line in the mismatched block that
/// does not match the input and says so in one sentence.
class MismatchFinder {
 public:
  explicit MismatchFinder(const ResumeMismatch& m) : m_mismatch(m) {}
  void feed(std::string_view bytes);
  std::string message(std::string_view file_name) const;

 private:
  void line(std::string_view text);

  const ResumeMismatch& m_mismatch;
  LineSplitter m_split;
  std::optional<std::pair<std::uint64_t, std::string>> m_found;  // seq, the file's URL
};

inline void LineSplitter::keep(std::string_view bytes) {
  m_length += bytes.size();
  if (m_length > m_max) {
    std::string().swap(m_line);
    return;
  }
  m_line.append(bytes);
}

template <class F>
void LineSplitter::feed(std::string_view bytes, F&& on_line) {
  while (!bytes.empty()) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      keep(bytes);
      return;
    }
    const std::string_view head = bytes.substr(0, nl);
    std::uint64_t length = nl;
    // A line within one chunk is handed out without a copy.
    if (m_length == 0) {
      on_line(nl > m_max ? std::string_view() : head, m_line_start);
    } else {
      keep(head);
      length = m_length;
      on_line(m_length > m_max ? std::string_view() : std::string_view(m_line), m_line_start);
      m_line.clear();
      m_length = 0;
    }
    m_line_start += length + 1;
    bytes.remove_prefix(nl + 1);
  }
}

}  // namespace volley
