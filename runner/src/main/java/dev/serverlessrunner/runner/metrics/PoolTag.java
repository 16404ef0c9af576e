package dev.serverlessrunner.runner.metrics;

import dev.serverlessrunner.runner.config.RunnerConfig;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Labels every metric of a runner pod with its RunnerPool ({@code pool}), so dashboards and alerts
 * group by pool whichever way Prometheus scrapes the pod. Applied once per meter at registration,
 * never per request. A standalone runner (no pool) adds no label.
 */
@Singleton
public class PoolTag {

  @Produces
  @Singleton
  MeterFilter poolTag(RunnerConfig config) {
    return config
        .kubernetes()
        .pool()
        .map(pool -> MeterFilter.commonTags(Tags.of(FaasMetrics.POOL, pool)))
        .orElseGet(() -> new MeterFilter() {});
  }
}
