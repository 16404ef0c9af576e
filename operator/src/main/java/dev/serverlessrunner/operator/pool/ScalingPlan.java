package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.RunnerContract;
import dev.serverlessrunner.crd.pool.Autoscaling;
import dev.serverlessrunner.crd.pool.RunnerPool;
import java.util.List;

/**
 * Which autoscaler owns a pool's replica count, given what the cluster serves; pure. Exactly one of
 * the HPA, the KEDA ScaledObject and the HTTPScaledObject is chosen, never two, since two
 * autoscalers of one Deployment would fight (and KEDA refuses a target another HPA scales).
 *
 * @param scaler the autoscaler the operator renders
 * @param inFlightOnHpa whether the HPA also targets the in-flight Pods metric (custom metrics
 *     adapter, no KEDA)
 * @param replicas the Deployment's replica count while no autoscaler owns it, else null
 * @param condition the pool's Autoscaling condition: always present, so the status keeps one length
 *     (a JSON patch of the conditions list never addresses an index that is not there)
 */
public record ScalingPlan(
    Scaler scaler, boolean inFlightOnHpa, Integer replicas, ScalingCondition condition) {

  /** The object that scales the pool's Deployment. */
  public enum Scaler {
    /** Nothing: spec.replicas, or minReplicas while the wanted autoscaler is not installed. */
    NONE,
    /** autoscaling/v2 HorizontalPodAutoscaler. */
    HPA,
    /** KEDA ScaledObject (keda.sh/v1alpha1). */
    SCALED_OBJECT,
    /** HTTPScaledObject of KEDA's HTTP add-on (http.keda.sh/v1alpha1). */
    HTTP_SCALED_OBJECT
  }

  /** What a cluster serves of KEDA's APIs. */
  public record KedaApisServed(boolean scaledObjects, boolean httpScaledObjects) {
    /** A cluster without KEDA. */
    public static final KedaApisServed NONE = new KedaApisServed(false, false);

    /** A cluster with KEDA and its HTTP add-on. */
    public static final KedaApisServed ALL = new KedaApisServed(true, true);

    /** Whether the API the scaler is made of is served; HPAs always are. */
    public boolean serves(Scaler scaler) {
      return switch (scaler) {
        case SCALED_OBJECT -> scaledObjects;
        case HTTP_SCALED_OBJECT -> httpScaledObjects;
        case NONE, HPA -> true;
      };
    }
  }

  /** The pool's Autoscaling condition. */
  public record ScalingCondition(boolean status, String reason, String message) {}

  /** Condition type: whether the pool's autoscaling targets are in use (False for a fixed pool). */
  public static final String CONDITION = "Autoscaling";

  /** Reason: the pool has no spec.autoscaling; spec.replicas sets its size. */
  public static final String FIXED_REPLICAS = "FixedReplicas";

  /** Reason: an HPA scales the pool. */
  public static final String HPA = "HorizontalPodAutoscaler";

  /** Reason: a KEDA ScaledObject scales the pool. */
  public static final String SCALED_OBJECT = "KedaScaledObject";

  /** Reason: an HTTPScaledObject of KEDA's HTTP add-on scales the pool, down to zero. */
  public static final String HTTP_SCALED_OBJECT = "KedaHttpScaledObject";

  /** Reason: an in-flight target needs KEDA, which the cluster does not serve. */
  public static final String KEDA_NOT_INSTALLED = "KedaNotInstalled";

  /** Reason: minReplicas 0 needs KEDA's HTTP add-on, which the cluster does not serve. */
  public static final String HTTP_ADD_ON_NOT_INSTALLED = "KedaHttpAddOnNotInstalled";

  private static final String INSTALL_KEDA =
      "helm install keda kedacore/keda -n keda --create-namespace";

  private static final String INSTALL_HTTP_ADD_ON =
      "helm install http-add-on kedacore/keda-add-ons-http -n keda";

  /**
   * The plan for a pool, given the KEDA APIs the cluster serves and whether a custom metrics
   * adapter serves the in-flight gauge to HPAs.
   */
  public static ScalingPlan of(
      RunnerPool pool, KedaApisServed served, boolean customMetricsAdapter) {
    Autoscaling a = pool.getSpec().getAutoscaling();
    if (a == null) {
      int replicas = pool.getSpec().getReplicas() == null ? 1 : pool.getSpec().getReplicas();
      return new ScalingPlan(
          Scaler.NONE,
          false,
          replicas,
          new ScalingCondition(
              false,
              FIXED_REPLICAS,
              "spec.replicas keeps "
                  + replicas
                  + " runner pod"
                  + (replicas == 1 ? "" : "s")
                  + " (kubectl scale changes it); spec.autoscaling would scale the pool on CPU or"
                  + " requests"));
    }
    int min = a.getMinReplicas() == null ? 1 : a.getMinReplicas();
    int max = a.getMaxReplicas();
    Integer cpu = a.getTargetCPUUtilization();
    Integer inFlight = a.getTargetInFlight();
    String name = PoolNames.childName(pool);
    String cpuText = cpu == null ? "" : " and CPU utilisation at " + cpu + "%";

    if (inFlight == null) {
      return scaled(
          Scaler.HPA,
          false,
          HPA,
          "HorizontalPodAutoscaler "
              + name
              + " keeps CPU utilisation at "
              + cpu
              + "% with "
              + min
              + " to "
              + max
              + " runner pods");
    }
    if (min == 0 && served.httpScaledObjects()) {
      return scaled(
          Scaler.HTTP_SCALED_OBJECT,
          false,
          HTTP_SCALED_OBJECT,
          "HTTPScaledObject "
              + name
              + " of KEDA's HTTP add-on scales from 0 to "
              + max
              + " runner pods at "
              + inFlight
              + " concurrent requests per pod; callers reach the pool through"
              + " keda-add-ons-http-interceptor-proxy with Host "
              + String.join(" or ", hosts(pool)));
    }
    if (served.scaledObjects()) {
      String scaledObject =
          "KEDA ScaledObject "
              + name
              + " keeps "
              + inFlight
              + " in-flight invocations per runner pod"
              + cpuText
              + " with "
              + Math.max(1, min)
              + " to "
              + max
              + " runner pods";
      return min == 0
          ? waiting(
              Scaler.SCALED_OBJECT,
              HTTP_ADD_ON_NOT_INSTALLED,
              "minReplicas 0 needs KEDA's HTTP add-on (http.keda.sh/v1alpha1 HTTPScaledObject,"
                  + " v0.8 or later), which this cluster does not serve: "
                  + INSTALL_HTTP_ADD_ON
                  + ". Meanwhile "
                  + scaledObject)
          : scaled(Scaler.SCALED_OBJECT, false, SCALED_OBJECT, scaledObject);
    }
    if (customMetricsAdapter) {
      return scaled(
          Scaler.HPA,
          true,
          HPA,
          "HorizontalPodAutoscaler "
              + name
              + " keeps the Pods metric "
              + RunnerContract.IN_FLIGHT_METRIC
              + " (custom metrics adapter) at "
              + inFlight
              + " per runner pod"
              + cpuText
              + " with "
              + Math.max(1, min)
              + " to "
              + max
              + " runner pods");
    }
    String needs =
        (min == 0
                ? "minReplicas 0 needs KEDA and its HTTP add-on (keda.sh/v1alpha1 ScaledObject,"
                    + " http.keda.sh/v1alpha1 HTTPScaledObject v0.8 or later), which this cluster"
                    + " does not serve: "
                    + INSTALL_KEDA
                    + ", then "
                    + INSTALL_HTTP_ADD_ON
                : "targetInFlight needs KEDA (keda.sh/v1alpha1 ScaledObject), which this cluster"
                    + " does not serve: "
                    + INSTALL_KEDA)
            + ", and a Prometheus that scrapes the runner pods (deploy/README.md,"
            + " Request-driven autoscaling). Meanwhile ";
    if (cpu != null) {
      return new ScalingPlan(
          Scaler.HPA,
          false,
          null,
          new ScalingCondition(
              false,
              KEDA_NOT_INSTALLED,
              needs
                  + "HorizontalPodAutoscaler "
                  + name
                  + " scales on CPU alone, with "
                  + min
                  + " to "
                  + max
                  + " runner pods"));
    }
    int held = Math.max(1, min);
    return new ScalingPlan(
        Scaler.NONE,
        false,
        held,
        new ScalingCondition(
            false,
            KEDA_NOT_INSTALLED,
            needs + "the pool keeps " + held + " runner pod" + (held == 1 ? "" : "s")));
  }

  /**
   * The Host header values KEDA's HTTP add-on routes to the pool: spec.autoscaling.hosts, else the
   * name of the pool's Service in its namespace.
   */
  public static List<String> hosts(RunnerPool pool) {
    List<String> hosts = pool.getSpec().getAutoscaling().getHosts();
    if (hosts != null && !hosts.isEmpty()) {
      return hosts;
    }
    return List.of(PoolNames.childName(pool) + "." + pool.getMetadata().getNamespace() + ".svc");
  }

  /** Whether the pool waits for KEDA or its HTTP add-on to be installed. */
  public boolean waitsForKeda() {
    return condition != null
        && (KEDA_NOT_INSTALLED.equals(condition.reason())
            || HTTP_ADD_ON_NOT_INSTALLED.equals(condition.reason()));
  }

  private static ScalingPlan scaled(
      Scaler scaler, boolean inFlightOnHpa, String reason, String message) {
    return new ScalingPlan(
        scaler, inFlightOnHpa, null, new ScalingCondition(true, reason, message));
  }

  private static ScalingPlan waiting(Scaler scaler, String reason, String message) {
    return new ScalingPlan(scaler, false, null, new ScalingCondition(false, reason, message));
  }
}
