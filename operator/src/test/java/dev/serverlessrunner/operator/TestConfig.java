package dev.serverlessrunner.operator;

import dev.serverlessrunner.operator.config.OperatorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** The operator's configuration with its documented defaults, for plain unit tests. */
public final class TestConfig {
  private TestConfig() {}

  /** OperatorConfig with every default, built by SmallRye Config as the application would. */
  public static OperatorConfig defaults() {
    return with(Map.of());
  }

  /** OperatorConfig with the given properties (full names) over the defaults. */
  public static OperatorConfig with(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(OperatorConfig.class)
            .withSources(new PropertiesConfigSource(properties, "test", 400))
            // Quarkus' own converter, so "45s" parses as it does in the application.
            .withConverter(Duration.class, 200, new DurationConverter())
            .addDefaultInterceptors()
            .build();
    return config.getConfigMapping(OperatorConfig.class);
  }
}
