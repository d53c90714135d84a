#pragma once

namespace volley {

/// Which of the standard descriptors were closed when the process started.
struct ClosedStdFds {
  bool in = false;
  bool out = false;
  bool err = false;
  bool reopened = true;  // false: /dev/null could not take a closed one's place
};

/// Reopens any closed descriptor among 0, 1 and 2 on /dev/null. Call first thing in main: a closed
/// one would otherwise be the next descriptor opened (the signal eventfd, the output file), and
/// reading stdin or writing stdout would then use that instead.
ClosedStdFds reopen_closed_std_fds();

}  // namespace volley
