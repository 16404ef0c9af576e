package dev.serverlessrunner.runner.security;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** A runner in {@code runner.auth.mode=jwt}, trusting a JWKS served on loopback. */
public class JwtProfile implements QuarkusTestProfile {
  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(SecuredRunner.class, Map.of("mode", "jwt")));
  }

  @Override
  public boolean disableGlobalTestResources() {
    return true;
  }
}
