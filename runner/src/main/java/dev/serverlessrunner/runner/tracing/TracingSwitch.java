package dev.serverlessrunner.runner.tracing;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns tracing on exactly when an OTLP endpoint is configured: it sets {@value #SDK_DISABLED} to
 * {@code false} when {@value #ENDPOINT} or {@value #TRACES_ENDPOINT} is given (system property,
 * environment, application.properties), and to {@code true} otherwise. Quarkus' own default is an
 * enabled SDK exporting to {@code localhost:4317}; a runner without a collector would then build
 * spans and fail to send them. An explicit {@value #SDK_DISABLED} anywhere wins: this source's
 * ordinal is below every user-facing one.
 *
 * <p>{@value #SDK_DISABLED} is read at run time, so the packaged runner turns tracing on and off
 * without a rebuild; off, Quarkus installs no Vert.x tracer and no exporter (measured cost:
 * runner/README.md, Tracing).
 */
public final class TracingSwitch implements ConfigSourceFactory {

  static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
  static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
  static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";

  /**
   * Below application.properties (250), the environment (300) and system properties (400), above
   * the extension's defaults (negative ordinals).
   */
  static final int ORDINAL = 50;

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    boolean endpoint =
        configured(context.getValue(ENDPOINT)) || configured(context.getValue(TRACES_ENDPOINT));
    return List.of(
        new PropertiesConfigSource(
            Map.of(SDK_DISABLED, Boolean.toString(!endpoint)), "runner tracing switch", ORDINAL));
  }

  /** Given by the user, not an extension's default (those sit at negative ordinals). */
  private static boolean configured(ConfigValue value) {
    return value != null
        && value.getValue() != null
        && !value.getValue().isBlank()
        && value.getConfigSourceOrdinal() > ORDINAL;
  }
}
