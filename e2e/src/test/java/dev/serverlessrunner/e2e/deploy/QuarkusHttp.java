package dev.serverlessrunner.e2e.deploy;

import java.util.Properties;

/**
 * Where a Quarkus module of this project listens in production and where SmallRye Health answers,
 * derived from its application.properties and Quarkus' documented defaults.
 *
 * @param port quarkus.http.port
 * @param managementPort quarkus.management.port when the management interface is enabled (health
 *     and metrics then live there, not on {@code port}), else -1
 * @param livenessPath absolute path of the liveness check
 * @param readinessPath absolute path of the readiness check
 * @param hasHealth whether the module depends on quarkus-smallrye-health at all
 */
record QuarkusHttp(
    int port, int managementPort, String livenessPath, String readinessPath, boolean hasHealth) {

  static QuarkusHttp of(String module) {
    Properties p = SourceFacts.applicationProperties(module);
    int port = Integer.parseInt(p.getProperty("quarkus.http.port", "8080"));
    boolean management = Boolean.parseBoolean(p.getProperty("quarkus.management.enabled", "false"));
    int managementPort =
        management ? Integer.parseInt(p.getProperty("quarkus.management.port", "9000")) : -1;
    String root = p.getProperty("quarkus.http.root-path", "/");
    String nonApplication =
        management
            ? under("/", p.getProperty("quarkus.management.root-path", "q"))
            : under(root, p.getProperty("quarkus.http.non-application-root-path", "q"));
    String health =
        under(nonApplication, p.getProperty("quarkus.smallrye-health.root-path", "health"));
    boolean hasHealth =
        ProjectFiles.read(module + "/pom.xml")
            .contains("<artifactId>quarkus-smallrye-health</artifactId>");
    return new QuarkusHttp(
        port,
        managementPort,
        under(health, p.getProperty("quarkus.smallrye-health.liveness-path", "live")),
        under(health, p.getProperty("quarkus.smallrye-health.readiness-path", "ready")),
        hasHealth);
  }

  /** Quarkus' rule: a path starting with / is absolute, otherwise relative to its parent. */
  private static String under(String parent, String path) {
    if (path.startsWith("/")) {
      return path;
    }
    return (parent.endsWith("/") ? parent : parent + "/") + path;
  }
}
