// fib: prints fib(n) for n from QUERY_STRING ("n=20", or "number=20" as the reference system
// sends it), by naive recursion so the work is call-bound (fuel-metering overhead on calls).
// Missing or bad n: message on stderr, exit code 2.
#include <inttypes.h>
#include <stdio.h>

#include "query.h"

// fib(93) is the largest that fits in 64 bits.
#define MAX_N 93

__attribute__((noinline)) static uint64_t fib(uint32_t n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void) {
  uint64_t n;
  enum query_result found = query_uint("n", MAX_N, &n);
  // "number" is what the reference system's fibonacci function reads: accept it too.
  if (found == QUERY_MISSING) found = query_uint("number", MAX_N, &n);
  switch (found) {
    case QUERY_OK:
      printf("%" PRIu64 "\n", fib((uint32_t)n));
      return 0;
    case QUERY_MISSING:
      fputs("fib: missing parameter n (QUERY_STRING=n=<0..93>)\n", stderr);
      return 2;
    default:
      fputs("fib: n must be a whole number from 0 to 93\n", stderr);
      return 2;
  }
}
