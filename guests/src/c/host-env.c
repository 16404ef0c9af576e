// host-env: prints HOME, PATH and USER as the guest sees them; "(unset)" when absent, which is
// what a sandbox that never passes the host's environment must show.
#include <stdio.h>
#include <stdlib.h>

static void show(const char *name) {
  const char *value = getenv(name);
  printf("%s=%s\n", name, value != NULL ? value : "(unset)");
}

int main(void) {
  show("HOME");
  show("PATH");
  show("USER");
  return fflush(stdout) == 0 ? 0 : 1;
}
