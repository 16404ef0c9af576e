package dev.serverlessrunner.e2e.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The round-trip comparison reports dropped and changed fields, and tolerates added ones. */
class JsonSubsetTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void addedFieldsAreNotALoss() throws Exception {
    assertThat(JsonSubset.lost(json("{'a':{'b':1}}"), json("{'a':{'b':1,'kind':'X'}}"))).isEmpty();
  }

  @Test
  void droppedNestedFieldIsReportedWithItsPath() throws Exception {
    assertThat(JsonSubset.lost(json("{'a':[{'b':1,'c':2}]}"), json("{'a':[{'b':1}]}")))
        .containsExactly(".a[0].c (dropped)");
  }

  @Test
  void changedValueIsReported() throws Exception {
    assertThat(JsonSubset.lost(json("{'cpu':'2'}"), json("{'cpu':2}")))
        .containsExactly(".cpu (\"2\" became 2)");
  }
}
