package dev.serverlessrunner.e2e.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The mock API server's CRUD dispatcher plus a small stand-in for server-side apply, which the mock
 * lacks and the operator uses in production (JOSDK applies its dependents and patches primary
 * statuses with it): an apply creates the object when absent, and otherwise merges the applied
 * fields into it (RFC 7386 merge patch; lists replaced whole) — and, like the real API server,
 * writes nothing, so no watch event fires, when the merge changes nothing.
 *
 * <p>What it does not do: field ownership (managedFields), conflicts between managers, removal of
 * fields a manager stopped applying, associative-list merging. The K3s suite covers real
 * server-side apply.
 */
final class ServerSideApplyDispatcher extends KubernetesCrudDispatcher {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APPLY = "application/apply-patch";

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    if (type == null || !type.startsWith(APPLY)) {
      return super.handlePatch(request);
    }
    String path = withoutQuery(request.getPath());
    boolean status = path.endsWith("/status");
    String objectPath = status ? path.substring(0, path.length() - "/status".length()) : path;
    JsonNode applied = JSON.valueToTree(Serialization.unmarshal(request.getUtf8Body(), Map.class));
    MockResponse current = handleGet(objectPath);
    if (current.code() == 404) {
      if (status) {
        return current;
      }
      String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
      return handleCreate(request(HttpMethod.POST, collection, "application/json", applied));
    }
    String body = current.getBody().readUtf8();
    JsonNode existing = readTree(body);
    JsonNode merged = mergePatch(existing.deepCopy(), applied);
    if (merged.equals(existing)) {
      // Reading consumed the response's body: answer with a fresh copy.
      return new MockResponse()
          .setResponseCode(200)
          .setHeader("Content-Type", "application/json")
          .setBody(body);
    }
    // A whole-object update with the merge computed here: the mock's own merge patch appends to
    // lists instead of replacing them.
    return handleUpdate(request(HttpMethod.PUT, path, "application/json", merged));
  }

  /** RFC 7386: objects merged key by key, null removes, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch;
    }
    ObjectNode result =
        target != null && target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  private static RecordedRequest request(
      HttpMethod method, String path, String contentType, JsonNode body) {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    Headers headers = Headers.builder().add("Content-Type", contentType).build();
    return new RecordedRequest("HTTP/1.1", method, path, headers, new Buffer(bytes));
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the mock server stored invalid JSON: " + json, e);
    }
  }

  private static String withoutQuery(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }
}
