package dev.serverlessrunner.e2e.local;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The one thing the suite does in a kubelet's (and the Deployment controller's) place: report in a
 * Deployment's status how many of its pods run and are ready. Nothing else is faked.
 */
public final class Kubelet {

  private final KubernetesClient client;

  /** A kubelet reporting to the API server behind {@code client}. */
  public Kubelet(KubernetesClient client) {
    this.client = client;
  }

  /** Reports {@code ready} of {@code running} pods of the Deployment ready, for its generation. */
  public void reportPods(String namespace, String deployment, int running, int ready) {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(deployment)
        .editStatus(
            d -> {
              d.setStatus(
                  new DeploymentStatusBuilder()
                      .withObservedGeneration(d.getMetadata().getGeneration())
                      .withReplicas(running)
                      .withUpdatedReplicas(running)
                      .withReadyReplicas(ready)
                      .withAvailableReplicas(ready)
                      .withUnavailableReplicas(running - ready)
                      .build());
              return d;
            });
  }
}
