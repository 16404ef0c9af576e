// sleep: sleeps ms milliseconds (ms= in QUERY_STRING, default one hour), n times (n=, default 1),
// with nanosleep, which wasi-libc turns into one WASI poll_oneoff clock subscription per call,
// then prints "slept <n * ms> ms". Uses no fuel while asleep: only the runner's wall-clock timeout
// can stop a long sleep.
#include <stdio.h>
#include <time.h>

#include "query.h"

int main(void) {
  uint64_t ms = 3600000;
  uint64_t n = 1;
  if (query_uint("ms", 86400000, &ms) == QUERY_BAD || query_uint("n", 1000000, &n) == QUERY_BAD) {
    fputs("sleep: ms must be 0..86400000 and n 0..1000000\n", stderr);
    return 2;
  }
  struct timespec request = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};
  for (uint64_t i = 0; i < n; i++) {
    if (nanosleep(&request, NULL) != 0) {
      perror("sleep: nanosleep");
      return 1;
    }
  }
  printf("slept %llu ms\n", (unsigned long long)(n * ms));
  return 0;
}
