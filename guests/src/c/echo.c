// echo: copies stdin to stdout byte for byte (binary-safe), for throughput benchmarks.
#include <errno.h>
#include <unistd.h>

static char buf[64 * 1024];

int main(void) {
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (n == 0) return 0;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(1, buf + off, (size_t)(n - off));
      if (w < 0) {
        if (errno == EINTR) continue;
        return 1;
      }
      off += w;
    }
  }
}
