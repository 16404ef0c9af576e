package dev.serverlessrunner.runner.recording;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochRandomGenerator;
import java.util.UUID;

/**
 * Allocates execution ids: UUIDv7 (RFC 9562), time-ordered by millisecond for index locality.
 *
 * <p>Every id's 74 bits after the timestamp come fresh from a {@link java.security.SecureRandom}
 * (JUG's epoch-random generator), never from incrementing the previous id: an id is handed to the
 * caller, and one's own id must not let one compute one's neighbours'. Within a millisecond ids are
 * therefore unordered; across milliseconds they sort by time. The shard is chosen from these random
 * bits ({@link ShardRouter}).
 */
public final class ExecutionIds {

  private static final TimeBasedEpochRandomGenerator GENERATOR =
      Generators.timeBasedEpochRandomGenerator();

  private ExecutionIds() {}

  /** A fresh UUIDv7 with 74 random bits. */
  public static UUID next() {
    return GENERATOR.generate();
  }
}
