package dev.serverlessrunner.e2e.local;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The environment a kubelet gives a container from its {@code env} list: literal values with {@code
 * $(VAR)} expanded from variables defined earlier ({@code $$} escapes a {@code $}, an unknown
 * reference stays as written), {@code secretKeyRef} and {@code configMapKeyRef} read from the API
 * server, and the downward API's {@code fieldRef} for the pod's own fields.
 */
public final class PodEnvironment {

  /** What a kubelet knows about the pod and can read from the API server. */
  public record Pod(
      String namespace,
      String name,
      Function<String, Secret> secrets,
      Function<String, ConfigMap> configMaps) {}

  /** A variable the kubelet cannot resolve: the container would not start. */
  public static final class UnresolvableException extends RuntimeException {
    UnresolvableException(String message) {
      super(message);
    }
  }

  private PodEnvironment() {}

  /** The variables of {@code env}, in order, as the container sees them. */
  public static Map<String, String> resolve(List<EnvVar> env, Pod pod) {
    Map<String, String> resolved = new LinkedHashMap<>();
    for (EnvVar variable : env) {
      String value =
          variable.getValueFrom() != null
              ? valueFrom(variable.getName(), variable.getValueFrom(), pod)
              : expand(variable.getValue() == null ? "" : variable.getValue(), resolved);
      if (value != null) {
        resolved.put(variable.getName(), value);
      }
    }
    return resolved;
  }

  /** Kubernetes' {@code $(VAR)} expansion of {@code value} against {@code defined}. */
  public static String expand(String value, Map<String, String> defined) {
    StringBuilder out = new StringBuilder(value.length());
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c != '$' || i + 1 >= value.length()) {
        out.append(c);
        i++;
      } else if (value.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (value.charAt(i + 1) == '(') {
        int close = value.indexOf(')', i + 2);
        if (close < 0) {
          out.append(value, i, value.length());
          break;
        }
        String name = value.substring(i + 2, close);
        String replacement = defined.get(name);
        out.append(replacement != null ? replacement : value.substring(i, close + 1));
        i = close + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String valueFrom(String name, EnvVarSource source, Pod pod) {
    if (source.getSecretKeyRef() != null) {
      return secretKey(name, source.getSecretKeyRef(), pod);
    }
    if (source.getConfigMapKeyRef() != null) {
      return configMapKey(name, source.getConfigMapKeyRef(), pod);
    }
    if (source.getFieldRef() != null) {
      String path = source.getFieldRef().getFieldPath();
      return switch (path) {
        case "metadata.namespace" -> pod.namespace();
        case "metadata.name" -> pod.name();
        default -> throw new UnresolvableException(name + ": unsupported fieldRef " + path);
      };
    }
    throw new UnresolvableException(name + ": unsupported valueFrom " + source);
  }

  private static String secretKey(String name, SecretKeySelector ref, Pod pod) {
    Secret secret = pod.secrets().apply(ref.getName());
    boolean optional = Boolean.TRUE.equals(ref.getOptional());
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.getKey())) {
      if (optional) {
        return null;
      }
      throw new UnresolvableException(
          name + ": secret " + ref.getName() + " has no key " + ref.getKey());
    }
    byte[] bytes = Base64.getDecoder().decode(secret.getData().get(ref.getKey()));
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String configMapKey(String name, ConfigMapKeySelector ref, Pod pod) {
    ConfigMap map = pod.configMaps().apply(ref.getName());
    boolean optional = Boolean.TRUE.equals(ref.getOptional());
    if (map == null || map.getData() == null || !map.getData().containsKey(ref.getKey())) {
      if (optional) {
        return null;
      }
      throw new UnresolvableException(
          name + ": config map " + ref.getName() + " has no key " + ref.getKey());
    }
    return map.getData().get(ref.getKey());
  }
}
