package dev.serverlessrunner.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Content-addressed blobs on local disk ({@code <dir>/sha256/<hex>}), so a restarted runner does
 * not download its modules again. Writes are atomic (temporary file, then rename); every read is
 * re-hashed, and a corrupt file is deleted and reported as a miss. With a size bound, the least
 * recently used files (by modification time, refreshed on each hit) are evicted.
 */
public final class BlobCache {

  private static final long STALE_PART_MILLIS = 3_600_000;

  private final Path blobs;
  private final Path tmp;
  private final long maxBytes;

  private BlobCache(Path dir, long maxBytes) {
    this.blobs = dir.resolve("sha256");
    this.tmp = dir.resolve("tmp");
    this.maxBytes = maxBytes;
    try {
      Files.createDirectories(blobs);
      Files.createDirectories(tmp);
      clearTemporaryFiles();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare blob cache directory " + dir, e);
    }
  }

  /** A cache in {@code dir} without a size bound. */
  public static BlobCache open(Path dir) {
    return new BlobCache(dir, Long.MAX_VALUE);
  }

  /** A cache in {@code dir} that evicts least recently used blobs beyond {@code maxBytes}. */
  public static BlobCache open(Path dir, long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive");
    }
    return new BlobCache(dir, maxBytes);
  }

  /** The content stored under {@code digest}, if present and intact. */
  public Optional<byte[]> get(String digest) {
    Path file = blobs.resolve(Digests.hex(digest));
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read cached blob " + file, e);
    }
    if (!Digests.sha256(content).equals(digest)) {
      delete(file);
      return Optional.empty();
    }
    touch(file);
    return Optional.of(content);
  }

  /** Stores {@code content} under {@code digest}, which it must hash to. */
  public void put(String digest, byte[] content) {
    String hex = Digests.hex(digest);
    if (!Digests.sha256(content).equals(digest)) {
      throw new IllegalArgumentException("content does not hash to " + digest + ": not cached");
    }
    if (content.length > maxBytes) {
      return;
    }
    Path target = blobs.resolve(hex);
    try {
      Path part = Files.createTempFile(tmp, hex, ".part");
      try {
        Files.write(part, content);
        moveAtomically(part, target);
      } finally {
        Files.deleteIfExists(part);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write cached blob " + target, e);
    }
    if (maxBytes != Long.MAX_VALUE) {
      evictBeyondLimit(target);
    }
  }

  /** Whether an (unverified) file for {@code digest} exists. */
  public boolean contains(String digest) {
    return Files.exists(blobs.resolve(Digests.hex(digest)));
  }

  /** Removes the blob for {@code digest}; returns whether there was one. */
  public boolean remove(String digest) {
    try {
      return Files.deleteIfExists(blobs.resolve(Digests.hex(digest)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove cached blob " + digest, e);
    }
  }

  /** Total size of the cached blobs in bytes. */
  public long sizeBytes() {
    return entries().stream().mapToLong(Entry::size).sum();
  }

  private record Entry(Path path, long size, FileTime modified) {}

  private synchronized void evictBeyondLimit(Path keep) {
    List<Entry> entries = entries();
    long total = entries.stream().mapToLong(Entry::size).sum();
    entries.sort(Comparator.comparing(Entry::modified));
    for (Entry e : entries) {
      if (total <= maxBytes) {
        return;
      }
      if (!e.path().equals(keep)) {
        delete(e.path());
        total -= e.size();
      }
    }
  }

  private List<Entry> entries() {
    List<Entry> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(blobs)) {
      for (Path p : dir) {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          out.add(new Entry(p, a.size(), a.lastModifiedTime()));
        } catch (NoSuchFileException e) {
          // Evicted or removed concurrently: no longer part of the total.
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list blob cache " + blobs, e);
    }
    return out;
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the blob cache needs a file system with atomic rename", e);
    }
  }

  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException e) {
      // Only the eviction order suffers (e.g. on a read-only volume); the hit itself is good.
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete cached blob " + file, e);
    }
  }

  /** Removes writes a crash left behind; young ones may belong to another process. */
  private void clearTemporaryFiles() throws IOException {
    long cutoff = System.currentTimeMillis() - STALE_PART_MILLIS;
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(tmp, "*.part")) {
      for (Path p : dir) {
        if (Files.getLastModifiedTime(p).toMillis() < cutoff) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
