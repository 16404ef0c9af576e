package dev.serverlessrunner.runner.source.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serverlessrunner.crd.function.FunctionAuth;
import dev.serverlessrunner.crd.function.WasmFunctionSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A WasmFunction's own spec.auth reaches the runner's function settings. */
class FunctionConfigsTest {

  @Test
  void specAuthBecomesTheFunctionsAuth() {
    WasmFunctionSpec spec = new WasmFunctionSpec();
    FunctionAuth auth = new FunctionAuth();
    auth.setRequiredScopes(List.of("invoke:fib"));
    auth.setRequiredRoles(List.of("ops"));
    spec.setAuth(auth);

    var config = FunctionConfigs.fromSpec(spec).auth();

    assertThat(config.isPublic()).isFalse();
    assertThat(config.requiredScopes()).containsExactly("invoke:fib");
    assertThat(config.requiredRoles()).containsExactly("ops");
  }

  @Test
  void aPublicFunctionIsPublic() {
    WasmFunctionSpec spec = new WasmFunctionSpec();
    FunctionAuth auth = new FunctionAuth();
    auth.setPublic(true);
    spec.setAuth(auth);

    assertThat(FunctionConfigs.fromSpec(spec).auth().isPublic()).isTrue();
  }

  @Test
  void withoutAuthAnyAuthenticatedCallerMayInvoke() {
    var auth = FunctionConfigs.fromSpec(new WasmFunctionSpec()).auth();

    assertThat(auth.isPublic()).isFalse();
    assertThat(auth.requiredScopes()).isEmpty();
    assertThat(auth.requiredRoles()).isEmpty();
  }
}
