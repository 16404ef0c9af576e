package dev.serverlessrunner.e2e.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ServerSideApplyDispatcherTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void mergeKeepsUnappliedFieldsAndReplacesListsWhole() throws Exception {
    JsonNode existing =
        JSON.readTree(
            "{\"metadata\":{\"name\":\"a\",\"uid\":\"u\"},\"status\":{\"conditions\":[{\"type\":\"Ready\"},{\"type\":\"Old\"}]}}");
    JsonNode applied =
        JSON.readTree(
            "{\"metadata\":{\"name\":\"a\"},\"status\":{\"conditions\":[{\"type\":\"Ready\"}]}}");

    JsonNode merged = ServerSideApplyDispatcher.mergePatch(existing.deepCopy(), applied);

    assertThat(merged)
        .isEqualTo(
            JSON.readTree(
                "{\"metadata\":{\"name\":\"a\",\"uid\":\"u\"},\"status\":{\"conditions\":[{\"type\":\"Ready\"}]}}"));
  }

  @Test
  void applyingWhatIsStoredChangesNothing() throws Exception {
    JsonNode existing =
        JSON.readTree(
            "{\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"7\"},\"spec\":{\"x\":1}}");
    JsonNode applied = JSON.readTree("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"x\":1}}");

    assertThat(ServerSideApplyDispatcher.mergePatch(existing.deepCopy(), applied))
        .isEqualTo(existing);
  }
}
