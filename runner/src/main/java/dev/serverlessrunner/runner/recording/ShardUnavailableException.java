package dev.serverlessrunner.runner.recording;

/** A shard could not be read from (it is down, or the query failed). */
public final class ShardUnavailableException extends RecorderException {

  private final String shard;

  public ShardUnavailableException(String shard, Throwable cause) {
    super("execution record shard '" + shard + "' is unavailable: " + cause.getMessage(), cause);
    this.shard = shard;
  }

  /** The configured name of the shard. */
  public String shard() {
    return shard;
  }
}
