// alloc-past-cap: allocates 1 MiB chunks and touches every page until malloc returns NULL,
// then prints how many MiB it got and exits 0. Under the 64 MiB memory cap memory.grow
// returns -1 (no trap), so malloc fails gracefully and the count is a little under 64.
#include <stdio.h>
#include <stdlib.h>

#define CHUNK (1024 * 1024)
#define PAGE 65536

int main(void) {
  unsigned long mib = 0;
  for (;;) {
    volatile char *p = malloc(CHUNK);
    if (p == NULL) break;
    for (size_t off = 0; off < CHUNK; off += PAGE) p[off] = (char)mib;
    p[CHUNK - 1] = (char)mib;
    mib++;
  }
  printf("allocated %lu MiB before malloc returned NULL\n", mib);
  return 0;
}
