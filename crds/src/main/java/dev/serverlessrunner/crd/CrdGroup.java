package dev.serverlessrunner.crd;

/** API group, version and well-known names shared by the custom resources and their users. */
public final class CrdGroup {
  /** API group of every Serverless Runner custom resource. */
  public static final String GROUP = "serverlessrunner.dev";

  /** Served and stored version. */
  public static final String VERSION = "v1alpha1";

  /** Condition type: the resource is fully usable. */
  public static final String CONDITION_READY = "Ready";

  /** Condition type (WasmFunction): the module bytes were found and verified. */
  public static final String CONDITION_SOURCE_RESOLVED = "SourceResolved";

  /** Condition type (RunnerPool): the runner Deployment has the wanted number of ready pods. */
  public static final String CONDITION_AVAILABLE = "Available";

  private CrdGroup() {}
}
