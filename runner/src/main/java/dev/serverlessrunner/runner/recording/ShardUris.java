package dev.serverlessrunner.runner.recording;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Shard connection URIs: parsed without ever putting a password into an exception or a log line,
 * with libpq's TLS parameters honoured — {@code sslmode} ({@code disable}, {@code allow}, {@code
 * prefer}, {@code require}, {@code verify-ca}, {@code verify-full}) and {@code sslrootcert} (the CA
 * certificate file, PEM, that {@code verify-ca} and {@code verify-full} check the server against;
 * {@code verify-full} also checks that the certificate names the host).
 */
public final class ShardUris {

  private static final Pattern USER_INFO = Pattern.compile("(://[^/@:?#]*):[^@/?#]*@");
  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s]*");

  private ShardUris() {}

  /** {@code text} with every URI password replaced by {@code ***}. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String userInfo = USER_INFO.matcher(text).replaceAll("$1:***@");
    return PASSWORD_PARAM.matcher(userInfo).replaceAll("$1***");
  }

  /**
   * {@code uri} with {@code caFile} as its {@code sslrootcert} unless it names one, and {@code
   * sslmode=verify-full} unless it sets a mode: a pool that names a CA wants its shards verified.
   */
  public static String withRootCert(String uri, java.nio.file.Path caFile) {
    int query = uri.indexOf('?');
    List<String> params = query < 0 ? List.of() : List.of(uri.substring(query + 1).split("&"));
    if (params.stream().anyMatch(p -> p.startsWith("sslrootcert="))) {
      return uri;
    }
    StringBuilder out = new StringBuilder(uri);
    out.append(query < 0 ? '?' : (uri.endsWith("?") || uri.endsWith("&") ? "" : "&"));
    out.append("sslrootcert=")
        .append(
            java.net.URLEncoder.encode(caFile.toString(), java.nio.charset.StandardCharsets.UTF_8));
    if (params.stream().noneMatch(p -> p.startsWith("sslmode="))) {
      out.append("&sslmode=verify-full");
    }
    return out.toString();
  }

  /**
   * The connect options of {@code shard}. A malformed URI throws {@link IllegalArgumentException}
   * naming the shard and the redacted URI, without the driver's exception (its message holds the
   * URI, password included).
   */
  public static PgConnectOptions connectOptions(ShardConfig shard) {
    String uri = shard.uri();
    String rootCert = null;
    int query = uri.indexOf('?');
    if (query >= 0) {
      // sslrootcert is libpq's, not a server setting: the driver would send it to the server.
      List<String> kept = new ArrayList<>();
      for (String param : uri.substring(query + 1).split("&")) {
        if (param.startsWith("sslrootcert=")) {
          rootCert =
              java.net.URLDecoder.decode(
                  param.substring("sslrootcert=".length()),
                  java.nio.charset.StandardCharsets.UTF_8);
        } else if (!param.isEmpty()) {
          kept.add(param);
        }
      }
      uri = uri.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          shard.name()
              + ": not a valid PostgreSQL URI ("
              + redact(shard.uri())
              + "): "
              + redact(e.getMessage()));
    }
    SslMode mode = options.getSslMode();
    if (rootCert != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(rootCert));
    } else if (mode == SslMode.REQUIRE || mode == SslMode.PREFER || mode == SslMode.ALLOW) {
      // libpq's meaning: encrypted, the certificate not checked (use verify-ca/verify-full for
      // that).
      options.setTrustAll(true);
    } else if (mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL) {
      throw new IllegalArgumentException(
          shard.name()
              + ": sslmode="
              + mode.value
              + " needs sslrootcert=<CA certificate file> in the URI ("
              + redact(shard.uri())
              + ")");
    }
    if (mode == SslMode.VERIFY_FULL) {
      options.setHostnameVerificationAlgorithm("HTTPS");
    }
    return options;
  }
}
