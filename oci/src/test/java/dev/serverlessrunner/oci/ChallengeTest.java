package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void parsesBearerWithAScopeListHoldingCommas() {
    Challenge c =
        Challenge.parse(
            "Bearer realm=\"https://auth.example/token\",service=\"reg\","
                + "scope=\"repository:a/b:pull,push\"");

    assertThat(c.scheme()).isEqualTo("bearer");
    assertThat(c.param("realm")).isEqualTo("https://auth.example/token");
    assertThat(c.param("service")).isEqualTo("reg");
    assertThat(c.param("scope")).isEqualTo("repository:a/b:pull,push");
  }

  @Test
  void prefersBearerOverBasic() {
    assertThat(Challenge.select(List.of("Basic realm=\"r\"", "Bearer realm=\"t\"")))
        .hasValueSatisfying(c -> assertThat(c.scheme()).isEqualTo("bearer"));
  }

  @Test
  void unknownSchemesAreNoChallenge() {
    assertThat(Challenge.select(List.of("Negotiate"))).isEmpty();
  }
}
