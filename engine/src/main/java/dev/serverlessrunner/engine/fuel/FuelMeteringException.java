package dev.serverlessrunner.engine.fuel;

/** A module that cannot be instrumented for fuel metering (malformed, invalid or unsupported). */
public final class FuelMeteringException extends RuntimeException {

  FuelMeteringException(String message) {
    super(message);
  }

  FuelMeteringException(String message, Throwable cause) {
    super(message, cause);
  }
}
