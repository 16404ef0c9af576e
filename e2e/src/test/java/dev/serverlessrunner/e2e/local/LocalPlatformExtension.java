package dev.serverlessrunner.e2e.local;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives tests the {@link LocalPlatform}, started once for every test class of the JVM (it takes
 * most of the suite's time) and stopped when the run ends; on a failed test, dumps custom resource
 * statuses, events, the Deployment and process logs under {@code
 * e2e/target/e2e-dumps/<class>/<test>/}.
 */
public final class LocalPlatformExtension implements ParameterResolver, TestWatcher {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(LocalPlatformExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalPlatform.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return platform(context);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Startup startup = context.getRoot().getStore(STORE).get(Startup.class, Startup.class);
    if (startup == null || startup.platform() == null) {
      return;
    }
    LocalPlatform platform = startup.platform();
    Path dir =
        ProjectLayout.target()
            .resolve("e2e-dumps")
            .resolve(context.getRequiredTestClass().getSimpleName())
            .resolve(context.getRequiredTestMethod().getName());
    try {
      platform.dump(dir);
      System.err.println("e2e: state at failure dumped to " + dir);
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private static LocalPlatform platform(ExtensionContext context) {
    Startup startup =
        context
            .getRoot()
            .getStore(STORE)
            .computeIfAbsent(Startup.class, type -> Startup.run(), Startup.class);
    if (startup.failure() != null) {
      // Every later test fails at once with the same cause instead of starting it all again.
      throw new IllegalStateException("the local platform did not start", startup.failure());
    }
    return startup.platform();
  }

  /** The platform, or why it could not start; closed with the root store at the end of the run. */
  private record Startup(LocalPlatform platform, RuntimeException failure)
      implements AutoCloseable {
    static Startup run() {
      try {
        return new Startup(LocalPlatform.start(), null);
      } catch (RuntimeException e) {
        return new Startup(null, e);
      }
    }

    @Override
    public void close() {
      if (platform != null) {
        platform.close();
      }
    }
  }
}
