package dev.serverlessrunner.operator.function;

import dev.serverlessrunner.crd.function.ModuleSource;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.function.WasmFunctionStatus;
import dev.serverlessrunner.crd.pool.FunctionCeilings;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Resolves a function's module (ConfigMap or OCI registry) to a digest, checks that runners will
 * load it ({@link RunnerModuleCheck}) and reports whether its pool can serve it. Watches the
 * referenced ConfigMaps and RunnerPools, so fixing either makes the function Ready without touching
 * it.
 */
// Resource versions are not compared: with comparison on, a spec change that lands just before
// our own status patch was dropped as stale, and the children never followed it.
@ControllerConfiguration(
    name = WasmFunctionReconciler.NAME,
    informer = @Informer(comparableResourceVersions = false))
public class WasmFunctionReconciler implements Reconciler<WasmFunction> {

  /** Controller name, used in configuration keys and logs. */
  public static final String NAME = "wasmfunction";

  /** Delay before a registry that could not be reached is asked again. */
  static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(30);

  private final OperatorConfig config;
  private final OciModuleResolver ociResolver;
  private final RunnerModuleCheck check;
  private final WarningEvents events;
  private final Clock clock = Clock.systemUTC();

  public WasmFunctionReconciler(
      OperatorConfig config,
      OciModuleResolver ociResolver,
      RunnerModuleCheck check,
      WarningEvents events) {
    this.config = config;
    this.ociResolver = ociResolver;
    this.check = check;
    this.events = events;
  }

  @Override
  public UpdateControl<WasmFunction> reconcile(WasmFunction fn, Context<WasmFunction> context) {
    Optional<RunnerPool> pool = pool(fn, context);
    SourceResolution resolution = resolve(fn, context, check.forPool(pool));
    List<String> limitsOverPool = pool.map(p -> limitsOverPool(fn, p)).orElse(List.of());
    WasmFunctionStatus next =
        FunctionStatusAggregator.aggregate(fn, resolution, pool, limitsOverPool, clock.instant());
    UpdateControl<WasmFunction> control;
    if (next.equals(fn.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      if (resolution instanceof SourceResolution.Invalid invalid) {
        // Only on a change of status, so a broken function yields one event, not one per pass.
        events.warn(context.getClient(), fn, invalid.reason(), invalid.message());
      }
      if (!limitsOverPool.isEmpty()) {
        events.warn(
            context.getClient(),
            fn,
            FunctionStatusAggregator.LIMITS_EXCEED_POOL,
            FunctionStatusAggregator.limitsMessage(fn.getSpec().getPool(), limitsOverPool));
      }
      fn.setStatus(next);
      control = UpdateControl.patchStatus(fn);
    }
    if (resolution instanceof SourceResolution.Unavailable) {
      control.rescheduleAfter(UNAVAILABLE_RETRY);
    }
    return control;
  }

  /**
   * The function's limits over its pool's ceilings, as the runners judge them. A value the CRD's
   * patterns would refuse (possible only without the CRD's validation) is reported the same way.
   */
  static List<String> limitsOverPool(WasmFunction fn, RunnerPool pool) {
    try {
      return FunctionCeilings.of(pool).exceededBy(fn.getSpec().getLimits());
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
  }

  private SourceResolution resolve(
      WasmFunction fn, Context<WasmFunction> context, RunnerModuleCheck.PoolCheck check) {
    ModuleSource source = fn.getSpec().getSource();
    String namespace = fn.getMetadata().getNamespace();
    if (source.getConfigMap() != null) {
      ConfigMap configMap =
          secondary(context, ConfigMap.class, source.getConfigMap().getName(), namespace)
              .orElse(null);
      return ConfigMapModuleResolver.resolve(
          source.getConfigMap(), namespace, configMap, config.sources().maxModuleBytes(), check);
    }
    return ociResolver.resolve(source.getOci(), namespace, context.getClient(), check);
  }

  private static Optional<RunnerPool> pool(WasmFunction fn, Context<WasmFunction> context) {
    return secondary(
        context, RunnerPool.class, fn.getSpec().getPool(), fn.getMetadata().getNamespace());
  }

  @SuppressWarnings("unchecked")
  private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> Optional<R> secondary(
      Context<WasmFunction> context, Class<R> type, String name, String namespace) {
    var source =
        (InformerEventSource<R, WasmFunction>)
            context.eventSourceRetriever().getEventSourceFor(type);
    return source.get(new ResourceID(name, namespace));
  }

  @Override
  public List<EventSource<?, WasmFunction>> prepareEventSources(
      EventSourceContext<WasmFunction> context) {
    IndexerResourceCache<WasmFunction> functions = context.getPrimaryCache();
    var configMaps =
        InformerEventSourceConfiguration.from(ConfigMap.class, WasmFunction.class)
            // Only where the controller watches (quarkus.operator-sdk.namespaces), so a namespaced
            // install needs no cluster-wide right.
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                (ConfigMap cm) ->
                    referencing(
                        functions,
                        cm.getMetadata().getNamespace(),
                        fn ->
                            fn.getSpec().getSource() != null
                                && fn.getSpec().getSource().getConfigMap() != null
                                && cm.getMetadata()
                                    .getName()
                                    .equals(fn.getSpec().getSource().getConfigMap().getName())))
            .build();
    var pools =
        InformerEventSourceConfiguration.from(RunnerPool.class, WasmFunction.class)
            // Only where the controller watches (quarkus.operator-sdk.namespaces), so a namespaced
            // install needs no cluster-wide right.
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                (RunnerPool pool) ->
                    referencing(
                        functions,
                        pool.getMetadata().getNamespace(),
                        fn -> pool.getMetadata().getName().equals(fn.getSpec().getPool())))
            .build();
    return List.of(
        new InformerEventSource<>(configMaps, context), new InformerEventSource<>(pools, context));
  }

  private static Set<ResourceID> referencing(
      IndexerResourceCache<WasmFunction> functions,
      String namespace,
      Predicate<WasmFunction> references) {
    return functions
        .list(namespace, fn -> fn.getSpec() != null && references.test(fn))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
