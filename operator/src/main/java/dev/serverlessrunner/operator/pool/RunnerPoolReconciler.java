package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.CrdGroup;
import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.crd.pool.RunnerPoolStatus;
import dev.serverlessrunner.operator.config.OperatorConfig;
import dev.serverlessrunner.operator.function.WarningEvents;
import dev.serverlessrunner.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps a pool's runner Deployment, Service, autoscaler (HPA or KEDA), PDB, RBAC and NetworkPolicy
 * as its spec says.
 */
// Resource versions are not compared: with comparison on, a spec change that lands just before
// our own status patch was dropped as stale, and the children never followed it.
@ControllerConfiguration(
    name = RunnerPoolReconciler.NAME,
    informer = @Informer(comparableResourceVersions = false))
@Workflow(
    dependents = {
      @Dependent(name = "service-account", type = RunnerServiceAccountDependent.class),
      @Dependent(name = "role", type = RunnerRoleDependent.class),
      @Dependent(name = "role-binding", type = RunnerRoleBindingDependent.class),
      @Dependent(name = "deployment", type = RunnerDeploymentDependent.class),
      @Dependent(name = "service", type = RunnerServiceDependent.class),
      // At most one autoscaler per pool (ScalingPlan); the KEDA ones only where the cluster serves
      // KEDA's APIs, so no informer is started for an API that does not exist.
      @Dependent(
          name = "hpa",
          type = RunnerHpaDependent.class,
          reconcilePrecondition = ScalerChosen.class),
      @Dependent(
          name = "scaled-object",
          type = RunnerScaledObjectDependent.class,
          activationCondition = KedaApiServed.class,
          reconcilePrecondition = ScalerChosen.class),
      @Dependent(
          name = "http-scaled-object",
          type = RunnerHttpScaledObjectDependent.class,
          activationCondition = KedaApiServed.class,
          reconcilePrecondition = ScalerChosen.class),
      @Dependent(name = "pdb", type = RunnerPdbDependent.class),
      @Dependent(name = "network-policy", type = RunnerNetworkPolicyDependent.class)
    })
public class RunnerPoolReconciler implements Reconciler<RunnerPool> {

  /** Controller name, used in configuration keys and logs. */
  public static final String NAME = "runnerpool";

  private final WarningEvents events;
  private final OperatorConfig config;
  private final Autoscalers autoscalers;
  private final Clock clock = Clock.systemUTC();

  public RunnerPoolReconciler(
      WarningEvents events, OperatorConfig config, Autoscalers autoscalers) {
    this.events = events;
    this.config = config;
    this.autoscalers = autoscalers;
  }

  @Override
  public UpdateControl<RunnerPool> reconcile(RunnerPool pool, Context<RunnerPool> context) {
    ScalingPlan plan = autoscalers.plan(pool);
    RunnerPoolStatus next =
        PoolStatusAggregator.aggregate(
            pool,
            context.getSecondaryResource(Deployment.class),
            functionsReady(pool, context),
            RunnerImages.refusal(pool, config),
            runnerPods(pool, context),
            plan,
            clock.instant());
    UpdateControl<RunnerPool> control;
    if (next.equals(pool.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      // Only when the condition first reports the error, so a misconfigured pool yields one event.
      PoolStatusAggregator.newUserError(pool.getStatus(), next)
          .ifPresent(c -> events.warn(context.getClient(), pool, c.getReason(), c.getMessage()));
      PoolStatusAggregator.newlyUnauthenticated(pool.getStatus(), next)
          .ifPresent(c -> events.warn(context.getClient(), pool, c.getReason(), c.getMessage()));
      pool.setStatus(next);
      control = UpdateControl.patchStatus(pool);
    }
    // Installing KEDA changes no object the operator watches: look again after the interval.
    return plan.waitsForKeda()
        ? control.rescheduleAfter(config.autoscaling().discoveryInterval())
        : control;
  }

  @Override
  public List<EventSource<?, RunnerPool>> prepareEventSources(
      EventSourceContext<RunnerPool> context) {
    // Functions name their pool in spec.pool rather than through owner references. A function
    // event reaches every pool of its namespace: a function moved to another pool arrives with its
    // new spec only, and its old pool must drop its ConfigMap and Secret from the runner Role too.
    IndexerResourceCache<RunnerPool> pools = context.getPrimaryCache();
    var functions =
        InformerEventSourceConfiguration.from(WasmFunction.class, RunnerPool.class)
            // Only where the controller watches (quarkus.operator-sdk.namespaces), so a namespaced
            // install needs no cluster-wide right.
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(
                (WasmFunction fn) ->
                    pools
                        .list(fn.getMetadata().getNamespace())
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
            .build();
    // Runner pods report unreachable shards as a pod condition; the pool shows it as Degraded.
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, RunnerPool.class)
            .withLabelSelector(PoolNames.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(
                (Pod pod) -> {
                  String name =
                      pod.getMetadata().getLabels() == null
                          ? null
                          : pod.getMetadata().getLabels().get(PoolNames.POOL_LABEL);
                  return name == null
                      ? Set.of()
                      : Set.of(new ResourceID(name, pod.getMetadata().getNamespace()));
                })
            .build();
    return List.of(
        new InformerEventSource<>(functions, context), new InformerEventSource<>(pods, context));
  }

  @SuppressWarnings("unchecked")
  private static List<Pod> runnerPods(RunnerPool pool, Context<RunnerPool> context) {
    var pods =
        (InformerEventSource<Pod, RunnerPool>)
            context.eventSourceRetriever().getEventSourceFor(Pod.class);
    return pods.list(
            pool.getMetadata().getNamespace(),
            pod ->
                pod.getMetadata().getLabels() != null
                    && pool.getMetadata()
                        .getName()
                        .equals(pod.getMetadata().getLabels().get(PoolNames.POOL_LABEL)))
        .toList();
  }

  private static int functionsReady(RunnerPool pool, Context<RunnerPool> context) {
    return PoolFunctions.of(
            pool,
            context,
            fn ->
                fn.getStatus() != null
                    && Conditions.isTrue(fn.getStatus().getConditions(), CrdGroup.CONDITION_READY))
        .size();
  }
}
