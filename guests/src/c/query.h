// Shared by fib, fib-cgi, sha256-loop and the bytecode-vm guests: reads an unsigned decimal parameter from the
// CGI-style QUERY_STRING environment variable ("a=1&n=20&b=2").
#ifndef GUESTS_QUERY_H
#define GUESTS_QUERY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum query_result { QUERY_OK, QUERY_MISSING, QUERY_BAD };

// Looks up `key` in QUERY_STRING and parses its value as a decimal number in [0, max].
static enum query_result query_uint(const char *key, uint64_t max, uint64_t *out) {
  const char *qs = getenv("QUERY_STRING");
  if (qs == NULL) return QUERY_MISSING;
  size_t key_len = strlen(key);
  const char *p = qs;
  while (*p != '\0') {
    const char *end = strchr(p, '&');
    if (end == NULL) end = p + strlen(p);
    if ((size_t)(end - p) > key_len && strncmp(p, key, key_len) == 0 && p[key_len] == '=') {
      const char *v = p + key_len + 1;
      if (v == end) return QUERY_BAD;
      uint64_t value = 0;
      for (; v < end; v++) {
        if (*v < '0' || *v > '9') return QUERY_BAD;
        value = value * 10 + (uint64_t)(*v - '0');
        if (value > max) return QUERY_BAD;
      }
      *out = value;
      return QUERY_OK;
    }
    p = (*end == '&') ? end + 1 : end;
  }
  return QUERY_MISSING;
}

#endif
