package dev.serverlessrunner.runner.recording;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.UUID;

/**
 * Allocates execution ids: UUIDv7 (RFC 9562), time-ordered for index locality.
 *
 * <p>JUG's epoch generator is monotonic within one millisecond (it increments the random part
 * instead of drawing a new one), so ids from one runner sort in allocation order. Its short lock is
 * the only one shared by all shards on the request path.
 */
public final class ExecutionIds {

  private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

  private ExecutionIds() {}

  /** A fresh UUIDv7. */
  public static UUID next() {
    return GENERATOR.generate();
  }
}
