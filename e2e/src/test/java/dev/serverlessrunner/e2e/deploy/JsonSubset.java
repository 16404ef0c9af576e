package dev.serverlessrunner.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which parts of one JSON tree another lacks or changes. A model round trip may add fields (Fabric8
 * writes apiVersion and kind into embedded objects such as PVC templates), but must keep every
 * field the manifest wrote.
 */
final class JsonSubset {

  private JsonSubset() {}

  /** Paths of {@code expected} that {@code actual} lacks or holds with another value. */
  static List<String> lost(JsonNode expected, JsonNode actual) {
    List<String> lost = new ArrayList<>();
    compare(expected, actual, "", lost);
    return lost;
  }

  private static void compare(JsonNode expected, JsonNode actual, String path, List<String> lost) {
    if (expected.isObject() && actual.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String fieldPath = path + "." + field.getKey();
        if (actual.has(field.getKey())) {
          compare(field.getValue(), actual.get(field.getKey()), fieldPath, lost);
        } else {
          lost.add(fieldPath + " (dropped)");
        }
      }
    } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
      for (int i = 0; i < expected.size(); i++) {
        compare(expected.get(i), actual.get(i), path + "[" + i + "]", lost);
      }
    } else if (!expected.equals(actual)) {
      lost.add(path + " (" + expected + " became " + actual + ")");
    }
  }
}
