// stdout-flood: writes 64 KiB chunks to stdout forever. Once the host's stdout cap refuses a
// write, it exits with code 1; without a cap only fuel or the timeout stops it.
#include <errno.h>
#include <string.h>
#include <unistd.h>

static char chunk[64 * 1024];

int main(void) {
  for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (i % 64 == 63) ? '\n' : 'y';
  for (;;) {
    size_t off = 0;
    while (off < sizeof chunk) {
      ssize_t w = write(1, chunk + off, sizeof chunk - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return 1;
      off += (size_t)w;
    }
  }
}
