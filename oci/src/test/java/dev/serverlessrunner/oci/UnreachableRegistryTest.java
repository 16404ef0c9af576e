package dev.serverlessrunner.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A registry that is down or never answers yields UNREACHABLE within the configured bounds. */
@Timeout(20)
class UnreachableRegistryTest {

  private static final RegistryClientOptions FAST =
      RegistryClientOptions.builder()
          .connectTimeout(Duration.ofSeconds(1))
          .requestTimeout(Duration.ofSeconds(1))
          .build();

  @Test
  void refusedConnectionIsUnreachable() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    OciReference ref = OciReference.parse("127.0.0.1:" + closedPort + "/fn/x:v1");

    try (RegistryClient client = new RegistryClient(FAST)) {
      assertThatThrownBy(() -> client.pullWasm(ref, RegistryCredentials.anonymous()))
          .isInstanceOfSatisfying(
              OciException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(OciException.Kind.UNREACHABLE);
                assertThat(e.kind().isTransient()).isTrue();
              })
          .hasMessageContaining("connection refused")
          .hasMessageContaining(ref.toString());
    }
  }

  @Test
  void registryThatAcceptsButNeverAnswersTimesOutAsUnreachable() throws IOException {
    List<Socket> held = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        held.add(silent.accept());
                      }
                    } catch (IOException closed) {
                      // The server socket closed at the end of the test.
                    }
                  });
      OciReference ref = OciReference.parse("127.0.0.1:" + silent.getLocalPort() + "/fn/x:v1");

      try (RegistryClient client = new RegistryClient(FAST)) {
        assertThatThrownBy(() -> client.resolve(ref, RegistryCredentials.anonymous()))
            .isInstanceOfSatisfying(
                OciException.class,
                e -> assertThat(e.kind()).isEqualTo(OciException.Kind.UNREACHABLE))
            .hasMessageContaining("timed out");
      }
      acceptor.interrupt();
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
