package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.engine.Limits;
import dev.serverlessrunner.engine.load.LoadedModule;
import dev.serverlessrunner.runner.source.FunctionConfig;

/**
 * A function ready to serve: its compiled module together with the settings it was loaded with,
 * swapped as one value so a request never pairs a new module with old settings.
 */
public record ServedFunction(
    String name,
    LoadedModule module,
    byte[] moduleBytes,
    FunctionConfig config,
    Limits limits,
    long maxRequestBytes) {}
