package dev.serverlessrunner.operator.function;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Starts the loopback fake registry before Quarkus and lets the operator reach it over HTTP. */
public class FakeRegistryResource implements QuarkusTestResourceLifecycleManager {
  private static volatile FakeRegistry registry;

  /** The running registry. */
  static FakeRegistry registry() {
    return registry;
  }

  @Override
  public Map<String, String> start() {
    try {
      registry = new FakeRegistry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("serverlessrunner.operator.sources.insecure-registries", registry.host());
  }

  @Override
  public void stop() {
    registry.close();
  }
}
