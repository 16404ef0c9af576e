package dev.serverlessrunner.runner.source;

/**
 * Where a runner learns which functions to serve: a local directory, the Kubernetes API or an OCI
 * registry. A source reports every function it finds to its {@link Listener}; it never compiles.
 */
public interface FunctionSource extends AutoCloseable {

  /**
   * Starts watching. Before returning, reports every function present now (the preload), so a
   * caller that waits for the returned listener calls knows the initial set is complete.
   */
  void start(Listener listener);

  /** Stops watching; no listener call starts after this returns. */
  @Override
  void close();

  /** Receives what a source finds. Calls for one source never overlap. */
  interface Listener {
    /** A function appeared or changed (new bytes or new configuration). */
    void upsert(FunctionDefinition definition);

    /**
     * Several functions appeared or changed at once (the preload): the same as {@link #upsert} for
     * each, in order, but a listener may load them in parallel before returning.
     */
    default void upsertAll(java.util.List<FunctionDefinition> definitions) {
      definitions.forEach(this::upsert);
    }

    /** A function is gone: stop serving it. */
    void remove(String name);

    /** Something named {@code name} exists but cannot be served, for a reason a user can fix. */
    void invalid(String name, String reason);
  }
}
