#pragma once

#include "core/job.hpp"
#include "net/error_kind.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace volley {

/// A URL read from the input: a Job to run, or an error to report without fetching.
struct InputItem {
  Job job;
  ErrorKind error = ErrorKind::none;
  std::string message;
};

/// Where the engine pulls its URLs from: files and pipes (InputReader) or a work queue
/// (QueueInput). The engine reads only while it has room, so a source never runs far ahead.
class InputSource {
 public:
  enum class Status { item, again, eof };

  virtual ~InputSource() = default;
  /// The next URL, or `again` (wait for wait_fd() to be readable), or `eof`.
  /// Throws std::runtime_error when the input cannot be read.
  [[nodiscard]] virtual Status next(InputItem& out) = 0;
  virtual int wait_fd() const = 0;
  /// The lines of these items (by seq) are out: written and flushed, or dropped by a status
  /// filter. Interrupted items are never reported. A queue acknowledges their entries; a file has
  /// nothing to do.
  virtual void written(const std::vector<std::uint64_t>& seqs) { (void)seqs; }
  /// Once, after the last written(): a queue hands on what it still holds. Returns why lines
  /// could not be delivered, for people (the run then ends with exit status 2); empty when all were.
  [[nodiscard]] virtual std::string finish() { return {}; }
};

}  // namespace volley
