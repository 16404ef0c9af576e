package dev.serverlessrunner.e2e.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.nio.file.Path;
import java.util.List;

/** The manifests of deploy/overlays/dev/workloads, typed. */
final class DevOverlay {

  static final Path DIR = ProjectFiles.resolve("deploy/overlays/dev/workloads");
  static final String NAMESPACE = "serverlessrunner-dev";

  private DevOverlay() {}

  static List<Manifest> manifests() {
    return Manifests.under(DIR);
  }

  static <T extends HasMetadata> List<T> all(String kind, Class<T> type) {
    return manifests().stream().filter(m -> m.is(kind)).map(m -> m.as(type)).toList();
  }

  static <T extends HasMetadata> T named(String kind, Class<T> type, String name) {
    return all(kind, type).stream()
        .filter(r -> r.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + DIR));
  }

  static List<Secret> secrets() {
    return all("Secret", Secret.class);
  }

  static Service service(String name) {
    return named("Service", Service.class, name);
  }

  static List<StatefulSet> statefulSets() {
    return all("StatefulSet", StatefulSet.class);
  }

  static Container postgres(StatefulSet shard) {
    return shard.getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
