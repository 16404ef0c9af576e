// fib-cgi: like fib, but speaks the CGI/WAGI convention on stdout: headers, a blank line, then
// the body. Bad or missing n gives "Status: 400" and an error body; the exit code is 0 either
// way, since the status travels in the headers.
#include <inttypes.h>
#include <stdio.h>

#include "query.h"

#define MAX_N 93

__attribute__((noinline)) static uint64_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static void respond(int status, const char *body_prefix) {
  printf("Content-Type: text/plain\nStatus: %d\n\n%s", status, body_prefix);
}

int main(void) {
  uint64_t n;
  enum query_result found = query_uint("n", MAX_N, &n);
  // "number" is what the reference system's fibonacci function reads: accept it too.
  if (found == QUERY_MISSING) found = query_uint("number", MAX_N, &n);
  switch (found) {
    case QUERY_OK: {
      uint64_t result = fib((uint32_t)n);
      respond(200, "");
      printf("%" PRIu64 "\n", result);
      break;
    }
    case QUERY_MISSING:
      respond(400, "missing parameter n (expected ?n=<0..93>)\n");
      break;
    default:
      respond(400, "n must be a whole number from 0 to 93\n");
      break;
  }
  return fflush(stdout) == 0 ? 0 : 1;
}
