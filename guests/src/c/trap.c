// trap: writes one line to stdout (unbuffered, so it is out before the trap), then executes
// the Wasm `unreachable` instruction.
#include <unistd.h>

int main(void) {
  static const char msg[] = "trap: about to execute unreachable\n";
  write(1, msg, sizeof msg - 1);
  __builtin_trap();
}
