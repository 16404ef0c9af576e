package dev.serverlessrunner.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.TestConfig;
import dev.serverlessrunner.operator.TestPools;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerNetworkPolicyDependentTest {
  private final RunnerPool pool = TestPools.fixed("team-a", "web", 2);

  private static NetworkPolicy desired(Map<String, String> properties, RunnerPool pool) {
    return new RunnerNetworkPolicyDependent(TestConfig.with(properties)).desired(pool, null);
  }

  private static List<String> ports(List<NetworkPolicyPort> ports) {
    return ports.stream().map(p -> p.getProtocol() + "/" + p.getPort().getIntVal()).toList();
  }

  private static NetworkPolicyEgressRule egressTo(NetworkPolicy policy, String port) {
    return policy.getSpec().getEgress().stream()
        .filter(r -> ports(r.getPorts()).contains(port))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void selectsThePoolsRunnerPodsAndIsolatesBothDirections() {
    NetworkPolicy policy = desired(Map.of(), pool);

    assertThat(policy.getMetadata().getName()).isEqualTo("web-runner");
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(PoolNames.selectorLabels(pool));
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
  }

  @Test
  void invocationPortIsOpenToAnySourceAndManagementOnlyToTheMonitoringNamespace() {
    NetworkPolicy policy = desired(Map.of(), pool);

    assertThat(policy.getSpec().getIngress())
        .satisfiesExactly(
            invocation -> {
              assertThat(ports(invocation.getPorts())).containsExactly("TCP/8080");
              assertThat(invocation.getFrom()).isEmpty();
            },
            management -> {
              assertThat(ports(management.getPorts())).containsExactly("TCP/9000");
              assertThat(management.getFrom())
                  .singleElement()
                  .satisfies(
                      peer -> {
                        assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .containsExactly(
                                Map.entry("kubernetes.io/metadata.name", "monitoring"));
                        assertThat(peer.getPodSelector()).isNull();
                      });
            });
  }

  @Test
  void monitoringSourceIsConfigurable() {
    NetworkPolicy policy =
        desired(
            Map.of(
                "serverlessrunner.operator.network-policy.monitoring-namespace-selector",
                "team=observability",
                "serverlessrunner.operator.network-policy.monitoring-pod-selector",
                "app.kubernetes.io/name=prometheus"),
            pool);

    var peer = policy.getSpec().getIngress().get(1).getFrom().get(0);
    assertThat(peer.getNamespaceSelector().getMatchLabels())
        .containsExactly(Map.entry("team", "observability"));
    assertThat(peer.getPodSelector().getMatchLabels())
        .containsExactly(Map.entry("app.kubernetes.io/name", "prometheus"));
  }

  @Test
  void egressIsDnsShardsApiServerAndRegistriesToAnyDestinationByDefault() {
    NetworkPolicy policy = desired(Map.of(), pool);

    assertThat(policy.getSpec().getEgress())
        .extracting(r -> ports(r.getPorts()))
        .containsExactly(
            List.of("UDP/53", "TCP/53"),
            List.of("TCP/5432"),
            List.of("TCP/443", "TCP/6443"),
            List.of("TCP/443"));
    assertThat(policy.getSpec().getEgress()).allSatisfy(r -> assertThat(r.getTo()).isEmpty());
  }

  @Test
  void configuredCidrsNarrowEachDestination() {
    NetworkPolicy policy =
        desired(
            Map.of(
                "serverlessrunner.operator.network-policy.shard-cidrs", "10.20.0.0/16",
                "serverlessrunner.operator.network-policy.shard-ports", "5432,6432",
                "serverlessrunner.operator.network-policy.api-server-cidrs", "172.16.0.1/32",
                "serverlessrunner.operator.network-policy.registry-cidrs",
                    "140.82.112.0/20,185.199.108.0/22"),
            pool);

    assertThat(ports(policy.getSpec().getEgress().get(1).getPorts()))
        .containsExactly("TCP/5432", "TCP/6432");
    assertThat(policy.getSpec().getEgress().get(1).getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("10.20.0.0/16");
    assertThat(egressTo(policy, "TCP/6443").getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("172.16.0.1/32");
    assertThat(policy.getSpec().getEgress().get(3).getTo())
        .extracting(p -> p.getIpBlock().getCidr())
        .containsExactly("140.82.112.0/20", "185.199.108.0/22");
    // DNS stays open: the cluster's resolver may be a node-local cache at any address.
    assertThat(policy.getSpec().getEgress().get(0).getTo()).isEmpty();
  }

  @Test
  void insecureRegistriesAddTheirPorts() {
    NetworkPolicy policy =
        desired(
            Map.of(
                "serverlessrunner.operator.sources.insecure-registries",
                "registry.local:5000,[fd00::7]:5001,plain.example"),
            pool);

    assertThat(ports(policy.getSpec().getEgress().get(3).getPorts()))
        .containsExactly("TCP/80", "TCP/443", "TCP/5000", "TCP/5001");
  }
}
