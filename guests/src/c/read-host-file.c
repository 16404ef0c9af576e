// read-host-file: tries to read host files and list the root directory. Inside the sandbox
// (no preopened directories) each attempt is denied; prints what happened and exits 0.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void try_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    int err = errno;
    printf("%s: denied: errno %d (%s)\n", path, err, strerror(err));
    return;
  }
  char line[256];
  if (fgets(line, sizeof line, f) != NULL) {
    line[strcspn(line, "\n")] = '\0';
    printf("%s: OPENED, first line: %s\n", path, line);
  } else {
    printf("%s: OPENED, empty\n", path);
  }
  fclose(f);
}

static void try_dir(const char *path) {
  DIR *d = opendir(path);
  if (d == NULL) {
    int err = errno;
    printf("%s: denied: errno %d (%s)\n", path, err, strerror(err));
    return;
  }
  printf("%s: OPENED, entries:", path);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) printf(" %s", e->d_name);
  printf("\n");
  closedir(d);
}

int main(void) {
  try_file("/etc/passwd");
  try_file("/etc/hostname");
  try_dir("/");
  return fflush(stdout) == 0 ? 0 : 1;
}
