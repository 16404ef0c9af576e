// recurse-forever: unbounded, non-tail recursion. Each level keeps its state in Wasm locals
// (nothing on the C shadow stack in linear memory), so what runs out is the engine's call
// stack (or fuel), not memory. The volatile stores around the call keep clang from turning the
// recursion into a loop; the base case on a volatile limit keeps it from proving the function
// never returns.
#include <stdio.h>

static volatile unsigned sink;
static volatile unsigned limit = 0;

__attribute__((noinline)) static unsigned recurse(unsigned depth) {
  if (depth == limit) return 0;
  sink = depth;
  unsigned below = recurse(depth + 1);
  sink = below;
  return below + 1;
}

int main(void) {
  // Only reached if the depth counter wraps around 2^32, which no engine allows.
  printf("recurse-forever: returned from depth %u\n", recurse(1));
  return 1;
}
