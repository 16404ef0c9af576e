package dev.serverlessrunner.engine.load;

import dev.serverlessrunner.engine.Outcome;
import java.util.List;

/** A valid module that uses something the runner's {@link ModulePolicy} does not allow. */
public final class ModuleRefusedException extends ModuleRejectedException {

  public ModuleRefusedException(String digest, List<String> reasons) {
    super(digest, reasons, null);
  }

  public ModuleRefusedException(String digest, String reason, Throwable cause) {
    super(digest, List.of(reason), cause);
  }

  @Override
  public Outcome outcome() {
    return Outcome.REFUSED;
  }
}
