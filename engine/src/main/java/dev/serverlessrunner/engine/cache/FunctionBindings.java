package dev.serverlessrunner.engine.cache;

import dev.serverlessrunner.engine.load.LoadedModule;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Function name → the module serving it. Rebinding is atomic: a request that looked the function up
 * before the swap finishes on the module it got; every later lookup sees the new one. Bound modules
 * are held here strongly, so a function keeps serving even if the cache evicts its entry; the
 * cache's weight bound applies to modules no function uses.
 */
public final class FunctionBindings {

  private final Map<String, LoadedModule> byName = new ConcurrentHashMap<>();

  /** Binds {@code name} to {@code module}; returns the module it replaced, if any. */
  public Optional<LoadedModule> bind(String name, LoadedModule module) {
    return Optional.ofNullable(byName.put(name, module));
  }

  /** Removes the binding; returns the module that served it, if any. */
  public Optional<LoadedModule> unbind(String name) {
    return Optional.ofNullable(byName.remove(name));
  }

  public Optional<LoadedModule> lookup(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** A snapshot of every binding. */
  public Map<String, LoadedModule> snapshot() {
    return Map.copyOf(byName);
  }
}
