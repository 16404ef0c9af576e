package dev.serverlessrunner.runner.service;

import dev.serverlessrunner.engine.Outcome;
import dev.serverlessrunner.runner.recording.RecordedOutcome;

/** Maps the engine's outcome of a run to the outcome stored in its record. */
public final class RecordedOutcomes {

  private RecordedOutcomes() {}

  public static RecordedOutcome of(Outcome outcome) {
    return switch (outcome) {
      case OK -> RecordedOutcome.OK;
      case EXIT -> RecordedOutcome.EXIT;
      case TRAP -> RecordedOutcome.TRAP;
      case FUEL_EXHAUSTED -> RecordedOutcome.FUEL;
      case TIMEOUT -> RecordedOutcome.TIMEOUT;
      case MEMORY_LIMIT -> RecordedOutcome.MEMORY;
      case STACK_EXHAUSTED -> RecordedOutcome.STACK;
      case INVALID_MODULE, REFUSED, SATURATED, HOST_ERROR -> RecordedOutcome.ERROR;
    };
  }
}
