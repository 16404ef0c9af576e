package dev.serverlessrunner.runner.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for servers a test starts as separate processes.
 *
 * <p>A port from {@code new ServerSocket(0)} lies in the kernel's ephemeral range (32768–60999
 * here), where any outgoing connection on the machine may take it before the started process —
 * which can take many seconds to boot on a loaded machine — binds it ("Address already in use").
 * Ports handed out here come from below that range, are checked free on every interface (servers
 * such as Quarkus' management interface bind 0.0.0.0), and are never handed out twice by one JVM.
 */
public final class LoopbackPorts {

  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private LoopbackPorts() {}

  /** A port no process listens on now, outside the ephemeral range, new to this JVM. */
  public static int free() {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (HANDED_OUT.contains(port) || !bindable(port)) {
        continue;
      }
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port in " + LOW + "-" + HIGH + " after 1000 tries");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
