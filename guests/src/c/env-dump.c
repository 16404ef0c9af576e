// env-dump: prints every argument ("arg: X", argv[0] included) and then every environment
// variable ("KEY=VALUE"), one per line. Proves that declared env/args arrive and that nothing
// of the host's own environment leaks in.
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("arg: %s\n", argv[i]);
  for (char **e = environ; e != NULL && *e != NULL; e++) printf("%s\n", *e);
  return fflush(stdout) == 0 ? 0 : 1;
}
