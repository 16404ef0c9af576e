package dev.serverlessrunner.engine.load;

import dev.serverlessrunner.engine.Outcome;
import java.util.List;

/** The bytes are not a valid WebAssembly module (malformed or failing validation). */
public final class InvalidModuleException extends ModuleRejectedException {

  public InvalidModuleException(String digest, String reason, Throwable cause) {
    super(digest, List.of(reason), cause);
  }

  @Override
  public Outcome outcome() {
    return Outcome.INVALID_MODULE;
  }
}
