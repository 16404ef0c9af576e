package dev.serverlessrunner.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a CRD schema's {@code x-kubernetes-validations} rules against a resource, with {@code
 * self} bound to the object each rule is declared on, as the API server does. Standard CEL and the
 * strings extension (charAt, indexOf, substring, …), which every API server with CRD validation
 * rules (Kubernetes 1.25+) offers; a rule using a Kubernetes-only library function (quantity(),
 * url(), …) fails to compile here, loudly.
 */
final class CelRules {

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .addLibraries(CelExtensions.strings())
          .build();
  private static final CelRuntime RUNTIME =
      CelRuntimeFactory.standardCelRuntimeBuilder().addLibraries(CelExtensions.strings()).build();

  private CelRules() {}

  /** The message of every rule the resource breaks, prefixed with the path it applies to. */
  static List<String> violations(JsonNode schema, JsonNode resource) {
    List<String> out = new ArrayList<>();
    walk(schema, resource, "", out);
    return out;
  }

  /** How many rules {@code schema} declares, anywhere in it. */
  static int count(JsonNode schema) {
    int own = schema.path("x-kubernetes-validations").size();
    int nested = 0;
    for (JsonNode property : schema.path("properties")) {
      nested += count(property);
    }
    if (schema.has("items")) {
      nested += count(schema.path("items"));
    }
    return own + nested;
  }

  private static void walk(JsonNode schema, JsonNode value, String path, List<String> out) {
    for (JsonNode rule : schema.path("x-kubernetes-validations")) {
      if (!holds(rule.path("rule").asText(), value)) {
        out.add(
            (path.isEmpty() ? "." : path)
                + ": "
                + rule.path("message").asText(rule.path("rule").asText()));
      }
    }
    if (value.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode fieldSchema = schema.path("properties").path(field.getKey());
        if (!fieldSchema.isMissingNode()) {
          walk(fieldSchema, field.getValue(), path + "." + field.getKey(), out);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        walk(schema.path("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
  }

  private static boolean holds(String rule, JsonNode self) {
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
      Object result = RUNTIME.createProgram(ast).eval(Map.of("self", toCel(self)));
      if (!(result instanceof Boolean b)) {
        throw new IllegalStateException(
            "CEL rule '" + rule + "' gave " + result + ", not a boolean");
      }
      return b;
    } catch (CelValidationException e) {
      throw new IllegalStateException(
          "CEL rule '" + rule + "' does not compile: " + e.getMessage(), e);
    } catch (CelEvaluationException e) {
      throw new IllegalStateException(
          "CEL rule '" + rule + "' failed on " + self + ": " + e.getMessage(), e);
    }
  }

  /** JSON as CEL sees it: integers are int (long), objects maps, arrays lists. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> map.put(f.getKey(), toCel(f.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(e -> list.add(toCel(e)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
