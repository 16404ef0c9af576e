package dev.serverlessrunner.guests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GuestsTest {

  /** "\0asm" followed by binary format version 1. */
  private static final byte[] WASM_HEADER = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

  static Iterable<String> wasmGuests() {
    return Guests.names().stream().filter(name -> !name.equals("not-wasm")).toList();
  }

  @Test
  void indexListsTheGuestsOtherModulesRelyOn() {
    assertThat(Guests.names())
        .contains(
            "greeter",
            "fib",
            "fib-cgi",
            "echo",
            "env-dump",
            "sha256-loop",
            "exit-nonzero",
            "loop-forever",
            "recurse-forever",
            "alloc-past-cap",
            "alloc-trap",
            "stdout-flood",
            "read-host-file",
            "host-env",
            "trap",
            "huge-table",
            "simd",
            "multi-memory",
            "gc-types",
            "threads-shared-memory",
            "huge-initial-memory",
            "fd-read-huge-iovec",
            "wat-loop",
            "sleep",
            "no-start",
            "unknown-import",
            "not-wasm")
        .isSorted()
        .doesNotHaveDuplicates();
  }

  @Test
  void namesAreDnsLabels() {
    assertThat(Guests.names()).allMatch(name -> name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"));
  }

  @ParameterizedTest
  @MethodSource("wasmGuests")
  void everyOtherGuestStartsWithTheWasmHeader(String name) {
    assertThat(Guests.bytes(name)).startsWith(WASM_HEADER);
  }

  @Test
  void notWasmIsNotAWasmModule() {
    byte[] bytes = Guests.bytes("not-wasm");
    assertThat(bytes).hasSizeGreaterThan(4);
    assertThat(Arrays.copyOf(bytes, 4)).isNotEqualTo(Arrays.copyOf(WASM_HEADER, 4));
  }

  @Test
  void missingGuestFailsNamingItAndTheKnownGuests() {
    assertThatThrownBy(() -> Guests.bytes("no-such-guest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'no-such-guest'")
        .hasMessageContaining("greeter");
  }

  @Test
  void nameThatEscapesTheGuestFolderIsUnknown() {
    assertThatThrownBy(() -> Guests.bytes("../guests/greeter"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'../guests/greeter'");
  }

  @Test
  void pathHoldsTheSameBytes() throws Exception {
    Path file = Guests.path("greeter");
    assertThat(file.getFileName()).hasToString("greeter.wasm");
    assertThat(Files.readAllBytes(file)).isEqualTo(Guests.bytes("greeter"));
  }
}
