package dev.serverlessrunner.engine.fuel;

/**
 * A Wasm binary rewritten by {@link FuelMetering#instrument(byte[])} to consume fuel.
 *
 * @param bytes the instrumented module, ready to parse and instantiate
 * @param meteredFunctions how many function bodies were instrumented (all defined functions)
 */
public record MeteredModule(byte[] bytes, int meteredFunctions) {}
