// greeter: reads all of stdin and writes "Hello, <stdin>!" to stdout ("Hello, world!" when
// stdin is empty). One trailing "\n" (or "\r\n") of the input is dropped so that
// `echo Alice | greeter` and a request body "Alice" greet the same way.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (buf == NULL) {
    fputs("greeter: out of memory\n", stderr);
    return 1;
  }
  for (;;) {
    if (len == cap) {
      cap *= 2;
      char *bigger = realloc(buf, cap);
      if (bigger == NULL) {
        fputs("greeter: out of memory\n", stderr);
        return 1;
      }
      buf = bigger;
    }
    ssize_t n = read(0, buf + len, cap - len);
    if (n < 0) {
      perror("greeter: read");
      return 1;
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  if (len > 0 && buf[len - 1] == '\n') len--;
  if (len > 0 && buf[len - 1] == '\r') len--;

  fputs("Hello, ", stdout);
  if (len == 0) {
    fputs("world", stdout);
  } else {
    fwrite(buf, 1, len, stdout);
  }
  fputs("!", stdout);
  return fflush(stdout) == 0 ? 0 : 1;
}
