/**
 * The sandboxed execution engine: given module bytes, limits and a request, run the guest in a
 * fresh sandbox and return a complete, typed outcome. Plain Java; the HTTP service wires it.
 *
 * <ul>
 *   <li>{@link dev.serverlessrunner.engine.Engine}: the facade. {@code load} modules off the
 *       request path, {@code submit} runs on the bounded execution pool.
 *   <li>{@code load}: parse, enforce the {@code ModulePolicy}, inject fuel metering ({@code fuel}),
 *       compile; refusals are {@code ModuleRejectedException}s with reasons.
 *   <li>{@code cache}: loaded modules by digest (weight-bounded).
 *   <li>{@code sandbox}: one run: WASI with validating stdio, bounded outputs, capped memory.
 *   <li>{@code pool}: platform worker threads, bounded queue, wall-clock deadlines.
 * </ul>
 */
package dev.serverlessrunner.engine;
