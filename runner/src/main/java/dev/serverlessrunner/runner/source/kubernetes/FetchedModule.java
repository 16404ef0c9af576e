package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.engine.load.ModuleDigest;
import java.util.Locale;

/** Module bytes as fetched, with where they came from (for logs). */
record FetchedModule(byte[] bytes, String origin) {

  /** The {@code sha256:<hex>} digest of the bytes. */
  String digest() {
    return ModuleDigest.of(bytes);
  }

  /** Whether the bytes are those the operator resolved to {@code digest}. */
  boolean matches(String digest) {
    return digest().equals(digest.toLowerCase(Locale.ROOT));
  }
}
