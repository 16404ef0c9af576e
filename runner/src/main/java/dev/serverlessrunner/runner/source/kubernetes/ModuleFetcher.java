package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.crd.function.WasmFunction;

/** Fetches the module bytes a WasmFunction's {@code spec.source} points at. */
interface ModuleFetcher extends AutoCloseable {

  /**
   * The bytes of {@code fn}'s module, which the operator resolved to {@code digest}. The caller
   * verifies the digest; a fetcher that addresses content by digest (OCI) uses it to choose what to
   * fetch.
   */
  FetchedModule fetch(WasmFunction fn, String digest) throws ModuleFetchException;

  /** Releases what the fetcher holds (connections); nothing by default. */
  @Override
  default void close() {}
}
