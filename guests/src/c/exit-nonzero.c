// exit-nonzero: writes a line to stdout and one to stderr, then exits with code 3.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  fputs("exit-nonzero: some output before failing\n", stdout);
  fputs("exit-nonzero: exiting with code 3 on purpose\n", stderr);
  exit(3);
}
