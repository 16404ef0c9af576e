package dev.serverlessrunner.engine.sandbox;

import com.dylibso.chicory.log.Logger;

/** Drops WASI's trace logging: guest activity is reported through results and metrics. */
final class SilentLogger implements Logger {

  static final SilentLogger INSTANCE = new SilentLogger();

  private SilentLogger() {}

  @Override
  public void log(Level level, String msg, Throwable throwable) {
    // Nothing: isLoggable is false for every level, so callers never format a message.
  }

  @Override
  public boolean isLoggable(Level level) {
    return false;
  }
}
