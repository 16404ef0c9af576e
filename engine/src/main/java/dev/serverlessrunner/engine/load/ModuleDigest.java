package dev.serverlessrunner.engine.load;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Computes the {@code sha256:<hex>} identity of module bytes, the key of everything cached. */
public final class ModuleDigest {

  private static final String PREFIX = "sha256:";

  private ModuleDigest() {}

  /** {@code sha256:} followed by the lower-case hex SHA-256 of the bytes. */
  public static String of(byte[] bytes) {
    try {
      return PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
