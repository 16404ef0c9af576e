package dev.serverlessrunner.runner.recording.spool;

import dev.serverlessrunner.runner.recording.ExecutionRecord;
import java.util.List;

/**
 * A segment left by an earlier process and the records read from it, to be written again. Every
 * record must be reported through {@link Segment#committed(int)} once its row is committed; the
 * file is deleted when all are.
 *
 * @param tornBytes bytes after the last complete record (a write cut short), ignored
 */
public record ReplaySegment(Segment segment, List<ExecutionRecord> records, long tornBytes) {}
