package dev.serverlessrunner.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a custom resource against its CRD's structural schema the way the API server would before
 * storing it: types, required fields, enums, patterns, bounds, item counts — and fields the schema
 * does not know, which the API server would silently prune (in a sample they are always a typo).
 * CEL rules (x-kubernetes-validations) are not evaluated here; the K3s suite meets them.
 */
final class StructuralValidator {

  private StructuralValidator() {}

  /**
   * Every violation of {@code schema} by the resource's fields other than apiVersion/kind/metadata.
   */
  static List<String> validate(JsonNode schema, JsonNode resource) {
    List<String> violations = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = resource.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (List.of("apiVersion", "kind", "metadata").contains(field.getKey())) {
        continue;
      }
      JsonNode fieldSchema = schema.path("properties").path(field.getKey());
      if (fieldSchema.isMissingNode()) {
        violations.add("." + field.getKey() + ": unknown field");
      } else {
        check(fieldSchema, field.getValue(), "." + field.getKey(), violations);
      }
    }
    for (JsonNode required : schema.path("required")) {
      if (!resource.has(required.asText())) {
        violations.add("." + required.asText() + ": required");
      }
    }
    return violations;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        out.add(path + ": must be an integer or a string, was " + value.getNodeType());
      }
      return;
    }
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean() && !schema.has("type")) {
      return;
    }
    String type = schema.path("type").asText();
    if (!hasType(value, type)) {
      out.add(path + ": must be " + type + ", was " + value.getNodeType());
      return;
    }
    checkEnum(schema, value, path, out);
    switch (type) {
      case "object" -> checkObject(schema, value, path, out);
      case "array" -> checkArray(schema, value, path, out);
      case "string" -> checkString(schema, value, path, out);
      case "integer", "number" -> checkNumber(schema, value, path, out);
      default -> {
        // booleans carry no further constraint in these schemas
      }
    }
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> throw new IllegalArgumentException("schema type not handled: '" + type + "'");
    };
  }

  private static void checkEnum(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (!schema.has("enum")) {
      return;
    }
    for (JsonNode allowed : schema.path("enum")) {
      if (allowed.equals(value)) {
        return;
      }
    }
    out.add(path + ": " + value + " is not one of " + schema.path("enum"));
  }

  private static void checkObject(JsonNode schema, JsonNode value, String path, List<String> out) {
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        out.add(path + "." + required.asText() + ": required");
      }
    }
    JsonNode additional = schema.path("additionalProperties");
    boolean keepsUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String fieldPath = path + "." + field.getKey();
      JsonNode fieldSchema = schema.path("properties").path(field.getKey());
      if (!fieldSchema.isMissingNode()) {
        check(fieldSchema, field.getValue(), fieldPath, out);
      } else if (additional.isObject()) {
        check(additional, field.getValue(), fieldPath, out);
      } else if (!keepsUnknown) {
        out.add(fieldPath + ": unknown field");
      }
    }
  }

  private static void checkArray(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (schema.has("minItems") && value.size() < schema.path("minItems").asInt()) {
      out.add(path + ": needs at least " + schema.path("minItems").asInt() + " items");
    }
    if (schema.has("maxItems") && value.size() > schema.path("maxItems").asInt()) {
      out.add(path + ": allows at most " + schema.path("maxItems").asInt() + " items");
    }
    for (int i = 0; i < value.size(); i++) {
      check(schema.path("items"), value.get(i), path + "[" + i + "]", out);
    }
  }

  private static void checkString(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (schema.has("pattern")
        && !Pattern.compile(schema.path("pattern").asText()).matcher(value.asText()).find()) {
      out.add(
          path + ": '" + value.asText() + "' does not match " + schema.path("pattern").asText());
    }
    if (schema.has("maxLength") && value.asText().length() > schema.path("maxLength").asInt()) {
      out.add(path + ": longer than " + schema.path("maxLength").asInt());
    }
    if (schema.has("minLength") && value.asText().length() < schema.path("minLength").asInt()) {
      out.add(path + ": shorter than " + schema.path("minLength").asInt());
    }
  }

  private static void checkNumber(JsonNode schema, JsonNode value, String path, List<String> out) {
    if (schema.has("minimum") && value.asDouble() < schema.path("minimum").asDouble()) {
      out.add(path + ": " + value + " is below the minimum " + schema.path("minimum").asDouble());
    }
    if (schema.has("maximum") && value.asDouble() > schema.path("maximum").asDouble()) {
      out.add(path + ": " + value + " is above the maximum " + schema.path("maximum").asDouble());
    }
  }
}
