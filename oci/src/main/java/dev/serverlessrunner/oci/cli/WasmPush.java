package dev.serverlessrunner.oci.cli;

import dev.serverlessrunner.oci.OciException;
import dev.serverlessrunner.oci.OciReference;
import dev.serverlessrunner.oci.PushResult;
import dev.serverlessrunner.oci.RegistryClient;
import dev.serverlessrunner.oci.RegistryClientOptions;
import dev.serverlessrunner.oci.RegistryCredentials;
import dev.serverlessrunner.oci.WasmArtifactLayout;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code wasm-push}: publishes a {@code .wasm} file to a registry as a CNCF Wasm artifact and
 * prints the pinned reference and the module digest for a {@code WasmFunction}.
 */
public final class WasmPush {

  static final String USAGE =
      """
      usage: wasm-push <file.wasm> <registry/repository:tag> [options]

        --username U          user name; the password is read from standard input
        --password-stdin      read the password from standard input (with --username)
        --docker-config PATH  take credentials from a Docker config.json / .dockerconfigjson
        --plain-http          talk HTTP, not HTTPS, to this registry (loopback always does)

      Prints the reference pinned to the manifest digest and the module's sha256 digest.""";

  /** Parsed command line. */
  record Arguments(
      Path file,
      OciReference target,
      String username,
      boolean passwordStdin,
      Path dockerConfig,
      boolean plainHttp) {}

  /** A command line that cannot be run; the message says why. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  private WasmPush() {}

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  /** Runs the command; returns the exit status (0 pushed, 1 failed, 2 bad usage). */
  static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
    Arguments a;
    try {
      a = parse(args);
    } catch (UsageException e) {
      err.println("wasm-push: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      byte[] wasm = Files.readAllBytes(a.file());
      if (!WasmArtifactLayout.isWasmModule(wasm)) {
        err.println("wasm-push: " + a.file() + " is not a Wasm module (no \\0asm header)");
        return 1;
      }
      RegistryCredentials creds = credentials(a, stdin);
      RegistryClientOptions options = RegistryClientOptions.defaults();
      if (a.plainHttp()) {
        Set<String> hosts = new HashSet<>(options.plainHttpHosts());
        hosts.add(a.target().registry());
        options = options.toBuilder().plainHttpHosts(hosts).build();
      }
      PushResult result;
      try (RegistryClient client = new RegistryClient(options)) {
        result = client.pushWasm(a.target(), wasm, creds);
      }
      out.println("pushed " + a.target() + " (" + result.moduleSize() + " bytes)");
      out.println("reference: " + result.reference());
      out.println("module digest: " + result.moduleDigest());
      return 0;
    } catch (NoSuchFileException e) {
      err.println("wasm-push: no such file: " + e.getFile());
    } catch (IOException e) {
      err.println("wasm-push: " + e.getMessage());
    } catch (OciException e) {
      err.println("wasm-push: " + e.kind() + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      err.println("wasm-push: " + e.getMessage());
    }
    return 1;
  }

  static Arguments parse(String[] args) throws UsageException {
    Path file = null;
    String target = null;
    String username = null;
    boolean passwordStdin = false;
    Path dockerConfig = null;
    boolean plainHttp = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--username" -> username = value(args, ++i, arg);
        case "--password-stdin" -> passwordStdin = true;
        case "--docker-config" -> dockerConfig = Path.of(value(args, ++i, arg));
        case "--plain-http" -> plainHttp = true;
        case "-h", "--help" -> throw new UsageException("help requested");
        default -> {
          if (arg.startsWith("--")) {
            throw new UsageException("unknown option " + arg);
          } else if (file == null) {
            file = Path.of(arg);
          } else if (target == null) {
            target = arg;
          } else {
            throw new UsageException("unexpected argument " + arg);
          }
        }
      }
    }
    if (file == null || target == null) {
      throw new UsageException("a .wasm file and a target reference are required");
    }
    if (username != null && dockerConfig != null) {
      throw new UsageException("use either --username or --docker-config, not both");
    }
    if (passwordStdin && username == null) {
      throw new UsageException("--password-stdin needs --username");
    }
    OciReference ref;
    try {
      ref = OciReference.parse(target);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    return new Arguments(file, ref, username, username != null, dockerConfig, plainHttp);
  }

  private static RegistryCredentials credentials(Arguments a, InputStream stdin)
      throws IOException {
    if (a.dockerConfig() != null) {
      return RegistryCredentials.fromDockerConfigJson(
          Files.readAllBytes(a.dockerConfig()), a.target().registry());
    }
    if (a.username() != null) {
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
      String password = reader.readLine();
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException("no password on standard input");
      }
      return RegistryCredentials.basic(a.username(), password);
    }
    return RegistryCredentials.anonymous();
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }
}
