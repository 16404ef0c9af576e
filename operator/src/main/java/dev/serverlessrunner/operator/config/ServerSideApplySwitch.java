package dev.serverlessrunner.operator.config;

import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.function.Consumer;

/**
 * Turns server-side apply off at run time when {@link OperatorConfig#serverSideApply()} says so
 * (the SDK looks this bean up by type, hence unremovable).
 */
@Singleton
@Unremovable
public class ServerSideApplySwitch implements ConfigurationServiceCustomizer {

  @Inject OperatorConfig config;

  @Override
  public Consumer<ConfigurationServiceOverrider> overrider() {
    boolean ssa = config.serverSideApply();
    return overrider -> {
      if (!ssa) {
        overrider
            .withSSABasedCreateUpdateMatchForDependentResources(false)
            .withUseSSAToPatchPrimaryResource(false);
      }
    };
  }
}
