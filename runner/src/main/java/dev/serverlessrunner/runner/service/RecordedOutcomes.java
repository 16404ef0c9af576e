package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.engine.Outcome;

/** Maps the engine's outcome of a run to the outcome stored in its record. */
final class RecordedOutcomes {

  private RecordedOutcomes() {}

  static dev.serverlessrunner.runner.recording.Outcome of(Outcome outcome) {
    return switch (outcome) {
      case OK -> dev.serverlessrunner.runner.recording.Outcome.OK;
      case EXIT -> dev.serverlessrunner.runner.recording.Outcome.EXIT;
      case TRAP -> dev.serverlessrunner.runner.recording.Outcome.TRAP;
      case FUEL_EXHAUSTED -> dev.serverlessrunner.runner.recording.Outcome.FUEL;
      case TIMEOUT -> dev.serverlessrunner.runner.recording.Outcome.TIMEOUT;
      case MEMORY_LIMIT -> dev.serverlessrunner.runner.recording.Outcome.MEMORY;
      case STACK_EXHAUSTED -> dev.serverlessrunner.runner.recording.Outcome.STACK;
      case INVALID_MODULE, REFUSED, SATURATED, HOST_ERROR ->
          dev.serverlessrunner.runner.recording.Outcome.ERROR;
    };
  }
}
