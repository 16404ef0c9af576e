package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobCacheTest {

  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void storedBlobIsReadBackByAnotherInstance() {
    byte[] content = bytes("module bytes");
    String digest = Digests.sha256(content);
    BlobCache.open(dir).put(digest, content);

    assertThat(BlobCache.open(dir).get(digest)).hasValue(content);
    assertThat(dir.resolve("sha256").resolve(Digests.hex(digest))).exists();
  }

  @Test
  void missingBlobIsAMiss() {
    assertThat(BlobCache.open(dir).get(Digests.sha256(bytes("absent")))).isEmpty();
  }

  @Test
  void corruptFileIsDeletedAndAMiss() throws IOException {
    BlobCache cache = BlobCache.open(dir);
    byte[] content = bytes("intact");
    String digest = Digests.sha256(content);
    cache.put(digest, content);
    Path file = dir.resolve("sha256").resolve(Digests.hex(digest));
    Files.write(file, bytes("intacT"));

    assertThat(cache.get(digest)).isEmpty();
    assertThat(file).doesNotExist();
  }

  @Test
  void contentThatDoesNotMatchItsDigestIsNotStored() {
    BlobCache cache = BlobCache.open(dir);
    String digest = Digests.sha256(bytes("one"));

    assertThatThrownBy(() -> cache.put(digest, bytes("two")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(cache.contains(digest)).isFalse();
  }

  @Test
  void leastRecentlyUsedBlobIsEvictedBeyondTheLimit() throws IOException {
    BlobCache cache = BlobCache.open(dir, 25);
    byte[] old = bytes("0123456789");
    byte[] used = bytes("abcdefghij");
    byte[] fresh = bytes("ABCDEFGHIJ");
    cache.put(Digests.sha256(old), old);
    cache.put(Digests.sha256(used), used);
    age(Digests.sha256(old), 3_000);
    age(Digests.sha256(used), 2_000);
    cache.get(Digests.sha256(used));

    cache.put(Digests.sha256(fresh), fresh);

    assertThat(cache.contains(Digests.sha256(old))).isFalse();
    assertThat(cache.contains(Digests.sha256(used))).isTrue();
    assertThat(cache.contains(Digests.sha256(fresh))).isTrue();
    assertThat(cache.sizeBytes()).isEqualTo(20);
  }

  @Test
  void removeDeletesTheBlob() {
    BlobCache cache = BlobCache.open(dir);
    byte[] content = bytes("gone soon");
    cache.put(Digests.sha256(content), content);

    assertThat(cache.remove(Digests.sha256(content))).isTrue();
    assertThat(cache.get(Digests.sha256(content))).isEmpty();
  }

  private void age(String digest, long millis) throws IOException {
    Path file = dir.resolve("sha256").resolve(Digests.hex(digest));
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - millis));
  }
}
