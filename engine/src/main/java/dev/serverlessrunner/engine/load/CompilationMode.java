package dev.serverlessrunner.engine.load;

/** How loaded modules execute. */
public enum CompilationMode {
  /** Chicory's runtime compiler to JVM bytecode; what serves traffic. */
  COMPILED,
  /**
   * Chicory's interpreter, 100–200× slower: only for checking that fuel counts do not depend on the
   * execution mode. Interpreted loops stop on fuel only (the 1.7.5 interpreter does not check
   * thread interrupts on branches).
   */
  INTERPRETED
}
