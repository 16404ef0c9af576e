// cgi-headers: a CGI guest that prints the headers a runner must not pass on as they are, one
// case per ?case=<n> (default 0), to test the runner's CGI header policy:
//   0  a well-behaved CGI answer with a correct Content-Length (must keep working)
//   1  framing and hop-by-hop headers (Transfer-Encoding, Connection naming X-Private-Hop,
//      Keep-Alive, Upgrade, TE, Trailer, Proxy-*) and a forged X-Execution-Id, beside X-Kept
//   2  headers that act on the whole origin (Set-Cookie, Strict-Transport-Security,
//      Clear-Site-Data, Alt-Svc, Service-Worker-Allowed), CORS and X-Tenant-Debug, beside X-Kept
//   3  Status: 101 Switching Protocols (an upgrade to WebSocket)
//   4  Status: 100 Continue
//   5  a Content-Length larger than the body
// The exit code is 0 in every case: what the runner makes of the answer is the point.
#include <stdio.h>
#include <string.h>

#include "query.h"

static void body_with_length(const char *body) {
  printf("Content-Length: %zu\n\n%s", strlen(body), body);
}

int main(void) {
  uint64_t c = 0;
  if (query_uint("case", 5, &c) == QUERY_BAD) {
    printf("Status: 400\nContent-Type: text/plain\n\ncase must be 0 to 5\n");
    return 0;
  }
  switch (c) {
    case 0:
      printf("Content-Type: text/plain\n");
      body_with_length("plain CGI\n");
      break;
    case 1:
      printf(
          "Content-Type: text/plain\n"
          "Transfer-Encoding: chunked\n"
          "Connection: close, X-Private-Hop\n"
          "X-Private-Hop: dropped\n"
          "Keep-Alive: timeout=600\n"
          "Upgrade: h2c\n"
          "TE: trailers\n"
          "Trailer: X-Checksum\n"
          "Proxy-Authenticate: Basic realm=\"guest\"\n"
          "Proxy-Authorization: Basic Z3Vlc3Q6Z3Vlc3Q=\n"
          "Proxy-Connection: keep-alive\n"
          "X-Execution-Id: forged\n"
          "X-Kept: yes\n");
      body_with_length("hop-by-hop\n");
      break;
    case 2:
      printf(
          "Content-Type: text/plain\n"
          "Set-Cookie: session=guest; Path=/\n"
          "Strict-Transport-Security: max-age=31536000; includeSubDomains\n"
          "Clear-Site-Data: \"*\"\n"
          "Alt-Svc: h2=\"attacker.example:443\"\n"
          "Service-Worker-Allowed: /\n"
          "Access-Control-Allow-Origin: *\n"
          "X-Tenant-Debug: 1\n"
          "X-Kept: yes\n\n"
          "origin-wide\n");
      break;
    case 3:
      printf("Status: 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\n\n");
      break;
    case 4:
      printf("Status: 100 Continue\n\n");
      break;
    default:
      printf("Content-Type: text/plain\nContent-Length: 100\n\nshort\n");
      break;
  }
  return fflush(stdout) == 0 ? 0 : 1;
}
