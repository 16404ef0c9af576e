package dev.serverlessrunner.engine.load;

import dev.serverlessrunner.engine.Outcome;
import java.util.List;

/** A module could not be loaded: it is not valid Wasm, or the runner's policy refuses it. */
public abstract sealed class ModuleRejectedException extends RuntimeException
    permits InvalidModuleException, ModuleRefusedException {

  private final String digest;
  private final List<String> reasons;

  ModuleRejectedException(String digest, List<String> reasons, Throwable cause) {
    super(digest + ": " + String.join("; ", reasons), cause);
    this.digest = digest;
    this.reasons = List.copyOf(reasons);
  }

  /** {@code sha256:<hex>} of the rejected bytes. */
  public String digest() {
    return digest;
  }

  /** Every reason found, each a complete sentence fragment naming the offending item. */
  public List<String> reasons() {
    return reasons;
  }

  /** The outcome a run of this module reports. */
  public abstract Outcome outcome();
}
