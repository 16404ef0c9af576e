package dev.serverlessrunner.operator.pool;

import dev.serverlessrunner.crd.function.WasmFunction;
import dev.serverlessrunner.crd.pool.RunnerPool;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.function.Predicate;

/** The WasmFunctions naming a pool in {@code spec.pool}, from the reconciler's function cache. */
final class PoolFunctions {
  private PoolFunctions() {}

  /** The pool's functions that also satisfy {@code filter}. */
  @SuppressWarnings("unchecked")
  static List<WasmFunction> of(
      RunnerPool pool, Context<RunnerPool> context, Predicate<WasmFunction> filter) {
    var functions =
        (InformerEventSource<WasmFunction, RunnerPool>)
            context.eventSourceRetriever().getEventSourceFor(WasmFunction.class);
    return functions
        .list(pool.getMetadata().getNamespace(), fn -> belongsTo(fn, pool) && filter.test(fn))
        .toList();
  }

  /** The pool's functions. */
  static List<WasmFunction> of(RunnerPool pool, Context<RunnerPool> context) {
    return of(pool, context, fn -> true);
  }

  static boolean belongsTo(WasmFunction fn, RunnerPool pool) {
    return fn.getSpec() != null
        && pool.getMetadata().getName().equals(fn.getSpec().getPool())
        && pool.getMetadata().getNamespace().equals(fn.getMetadata().getNamespace());
  }
}
