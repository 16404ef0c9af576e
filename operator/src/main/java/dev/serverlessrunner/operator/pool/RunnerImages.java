package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.pool.RunnerPool;
import dev.serverlessrunner.operator.config.OperatorConfig;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Which image a pool's runners get, and whether the operator's allow-list permits it; pure. */
public final class RunnerImages {
  /** Reason of the pool's Ready condition when its spec.image is not allowed. */
  public static final String IMAGE_NOT_ALLOWED = "ImageNotAllowed";

  private RunnerImages() {}

  /** spec.image, or the operator's runner image when the pool sets none. */
  public static String image(RunnerPool pool, OperatorConfig config) {
    String image = pool.getSpec().getImage();
    return image == null || image.isBlank() ? config.runner().image() : image;
  }

  /** Why the pool's image may not run, or empty when it may. */
  public static Optional<String> refusal(RunnerPool pool, OperatorConfig config) {
    String image = image(pool, config);
    if (allowed(image, config)) {
      return Optional.empty();
    }
    return Optional.of(
        "spec.image "
            + image
            + " is not in the operator's allowed runner images ("
            + String.join(", ", allowList(config))
            + "); the runner Deployment is left unchanged. Remove spec.image, or ask the cluster"
            + " admin to add it to serverlessrunner.operator.runner.allowed-images");
  }

  static boolean allowed(String image, OperatorConfig config) {
    for (String entry : allowList(config)) {
      if (entry.endsWith("*")
          ? image.startsWith(entry.substring(0, entry.length() - 1))
          : image.equals(entry)) {
        return true;
      }
    }
    return false;
  }

  private static List<String> allowList(OperatorConfig config) {
    List<String> configured =
        config.runner().allowedImages().orElse(List.of()).stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    return configured.contains(config.runner().image())
        ? configured
        : Stream.concat(Stream.of(config.runner().image()), configured.stream()).toList();
  }
}
