package dev.serverlessrunner.runner.http;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain loopback socket, for requests no HTTP client would send (malformed, slow,
 * truncated): writes bytes, then reads whatever the runner answers until it closes the connection
 * or {@code wait} passes.
 */
final class RawHttp {

  private RawHttp() {}

  /** What came back on the socket, and whether the runner closed the connection. */
  record Answer(int status, Map<String, String> headers, String body, boolean closed, long millis) {

    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Sends {@code request} and reads the answer until the connection closes or {@code wait}. */
  static Answer exchange(int port, byte[] request, Duration wait) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      long start = System.nanoTime();
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      return read(socket, wait, start);
    }
  }

  static Answer exchange(int port, String request, Duration wait) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), wait);
  }

  /**
   * Reads what the runner sends on an open socket until it closes the connection or {@code wait}.
   */
  static Answer read(Socket socket, Duration wait, long startNanos) throws IOException {
    socket.setSoTimeout((int) wait.toMillis());
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    boolean closed = false;
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        got.write(buffer, 0, n);
      }
      closed = true;
    } catch (SocketTimeoutException e) {
      // the runner kept the connection open: reported as closed = false
    } catch (IOException e) {
      closed = true; // reset after the answer
    }
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    return parse(got.toString(StandardCharsets.ISO_8859_1), closed, millis);
  }

  private static Answer parse(String raw, boolean closed, long millis) {
    int headerEnd = raw.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
      return new Answer(-1, Map.of(), raw, closed, millis);
    }
    String[] lines = raw.substring(0, headerEnd).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    String rest = raw.substring(headerEnd + 4);
    String length = headers.get("content-length");
    String body =
        length == null
            ? rest
            : rest.substring(0, Math.min(rest.length(), Integer.parseInt(length)));
    return new Answer(status, headers, body, closed, millis);
  }
}
