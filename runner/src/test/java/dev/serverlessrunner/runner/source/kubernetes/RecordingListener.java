package dev.serverlessrunner.runner.source.kubernetes;

import dev.serverlessrunner.runner.source.FunctionDefinition;
import dev.serverlessrunner.runner.source.FunctionSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every call a source makes, in order, for assertions from the test thread. */
final class RecordingListener implements FunctionSource.Listener {

  /** One listener call; {@code definition} is set for upserts, {@code reason} for invalid. */
  record Event(String type, String name, FunctionDefinition definition, String reason) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public void upsert(FunctionDefinition definition) {
    events.add(new Event("upsert", definition.name(), definition, null));
  }

  @Override
  public void remove(String name) {
    events.add(new Event("remove", name, null, null));
  }

  @Override
  public void invalid(String name, String reason) {
    events.add(new Event("invalid", name, null, reason));
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<Event> of(String name) {
    return events.stream().filter(e -> e.name().equals(name)).toList();
  }

  List<FunctionDefinition> upserts(String name) {
    return of(name).stream().filter(e -> e.type().equals("upsert")).map(Event::definition).toList();
  }
}
