package dev.serverlessrunner.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 content digests in the OCI form {@code sha256:<64 lowercase hex>}. */
public final class Digests {

  private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

  private Digests() {}

  /** The digest of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(newSha256().digest(bytes));
  }

  /** A fresh SHA-256 message digest (always present in the JDK). */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** Whether {@code digest} is a well-formed SHA-256 digest. */
  public static boolean isSha256(String digest) {
    return digest != null && SHA256.matcher(digest).matches();
  }

  /** Returns {@code digest} if well formed, otherwise throws with a message naming it. */
  public static String requireSha256(String digest) {
    if (!isSha256(digest)) {
      throw new IllegalArgumentException(
          "invalid digest '" + digest + "': expected sha256: followed by 64 lowercase hex digits");
    }
    return digest;
  }

  /** The 64 hex digits of a well-formed digest. */
  public static String hex(String digest) {
    return requireSha256(digest).substring("sha256:".length());
  }
}
