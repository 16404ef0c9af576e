package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Isolates the pool's runner pods: invocations in on the HTTP port from anywhere (authentication is
 * the gate), health and metrics in only from the monitoring namespace, and out only DNS, the
 * shards, the API server and registries. Other NetworkPolicies selecting the pods may allow more.
 */
@KubernetesDependent(informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public class RunnerNetworkPolicyDependent
    extends CRUDKubernetesDependentResource<NetworkPolicy, RunnerPool> {

  /** "host:port" or "[v6]:port" of a registry. */
  private static final Pattern HOST_PORT =
      Pattern.compile("(?:\\[[^\\]]+\\]|[^:\\[\\]]+):(\\d{1,5})");

  /** DNS, over UDP and (for large answers) TCP. */
  static final int DNS_PORT = 53;

  @Inject OperatorConfig config;

  public RunnerNetworkPolicyDependent() {
    super(NetworkPolicy.class);
  }

  RunnerNetworkPolicyDependent(OperatorConfig config) {
    this();
    this.config = config;
  }

  @Override
  protected NetworkPolicy desired(RunnerPool pool, Context<RunnerPool> context) {
    OperatorConfig.NetworkPolicies net = config.networkPolicy();
    return new NetworkPolicyBuilder()
        .withMetadata(PoolNames.childMetadata(pool))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(PoolNames.selectorLabels(pool))
        .endPodSelector()
        .withPolicyTypes("Ingress", "Egress")
        .withIngress(
            new NetworkPolicyIngressRule(List.of(), List.of(tcp(PoolNames.HTTP_PORT))),
            new NetworkPolicyIngressRule(
                List.of(monitoring(net)), List.of(tcp(PoolNames.MANAGEMENT_PORT))))
        .withEgress(
            new NetworkPolicyEgressRule(
                List.of(port("UDP", DNS_PORT), port("TCP", DNS_PORT)), List.of()),
            egress(net.shardPorts(), net.shardCidrs()),
            egress(net.apiServerPorts(), net.apiServerCidrs()),
            egress(registryPorts(net), net.registryCidrs()))
        .endSpec()
        .build();
  }

  /** The configured registry ports plus those of the insecure registries (80 without one). */
  private List<Integer> registryPorts(OperatorConfig.NetworkPolicies net) {
    TreeSet<Integer> ports = new TreeSet<>(net.registryPorts());
    for (String registry : config.sources().insecureRegistries().orElse(List.of())) {
      Matcher hostPort = HOST_PORT.matcher(registry.trim());
      if (hostPort.matches()) {
        ports.add(Integer.parseInt(hostPort.group(1)));
      } else if (!registry.isBlank()) {
        ports.add(80);
      }
    }
    return List.copyOf(ports);
  }

  private static NetworkPolicyEgressRule egress(List<Integer> ports, Optional<List<String>> cidrs) {
    List<NetworkPolicyPeer> to =
        cidrs.orElse(List.of()).stream()
            .filter(c -> !c.isBlank())
            .map(
                c ->
                    new NetworkPolicyPeerBuilder().withIpBlock(new IPBlock(c.trim(), null)).build())
            .toList();
    return new NetworkPolicyEgressRule(
        ports.stream().distinct().map(RunnerNetworkPolicyDependent::tcp).toList(), to);
  }

  private static NetworkPolicyPeer monitoring(OperatorConfig.NetworkPolicies net) {
    NetworkPolicyPeerBuilder peer =
        new NetworkPolicyPeerBuilder()
            .withNamespaceSelector(selector(net.monitoringNamespaceSelector()));
    net.monitoringPodSelector()
        .filter(s -> !s.isBlank())
        .ifPresent(s -> peer.withPodSelector(selector(s)));
    return peer.build();
  }

  /** A LabelSelector from "key=value,key2=value2"; empty matches everything. */
  static LabelSelector selector(String labels) {
    Map<String, String> matchLabels = new LinkedHashMap<>();
    for (String pair : labels.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "label selector '" + labels + "': expected key=value pairs separated by commas");
      }
      matchLabels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return new LabelSelector(new ArrayList<>(), matchLabels);
  }

  private static NetworkPolicyPort tcp(int port) {
    return port("TCP", port);
  }

  private static NetworkPolicyPort port(String protocol, int port) {
    return new NetworkPolicyPort(null, new IntOrString(port), protocol);
  }
}
