package dev.serverlessrunner.engine.fuel;

/**
 * A Wasm binary rewritten by {@link FuelMetering#instrument(byte[])} to consume fuel.
 *
 * @param bytes the instrumented module, ready to parse and instantiate
 * @param meteredFunctions how many function bodies were instrumented (all defined functions)
 * @param coarselyMeteredFunctions how many of those were metered per loop iteration instead of per
 *     basic block because they are too large to stay under the JVM's method size limit otherwise
 */
public record MeteredModule(byte[] bytes, int meteredFunctions, int coarselyMeteredFunctions) {}
