#include "util/std_fds.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace volley {

ClosedStdFds reopen_closed_std_fds() {
  ClosedStdFds closed;
  bool* flags[] = {&closed.in, &closed.out, &closed.err};
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    *flags[fd] = true;
    // open() returns the lowest free descriptor: this one, since those below it are open by now.
    const int opened = ::open("/dev/null", O_RDWR);
    if (opened != fd) {
      if (opened >= 0) ::close(opened);
      closed.reopened = false;
    }
  }
  return closed;
}

}  // namespace volley
