package dev.serverlessrunner.runner.source;

import java.util.Objects;

/** A function as a source found it: its name, module bytes and configuration. */
public record FunctionDefinition(String name, byte[] module, FunctionConfig config, String origin) {

  public FunctionDefinition {
    FunctionNames.requireValid(name);
    Objects.requireNonNull(module, "module");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(origin, "origin");
  }
}
