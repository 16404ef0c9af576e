package dev.serverlessrunner.runner.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** A runner in {@code runner.auth.mode=api-key}. */
public class ApiKeyProfile implements QuarkusTestProfile {
  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(SecuredRunner.class, Map.of("mode", "api-key")));
  }

  @Override
  public boolean disableGlobalTestResources() {
    return true;
  }
}
