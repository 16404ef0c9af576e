package dev.serverlessrunner.runner.security;

import dev.serverlessrunner.runner.config.RunnerConfig;
import dev.serverlessrunner.runner.service.FunctionRegistry;
import dev.serverlessrunner.runner.service.ServedFunction;
import dev.serverlessrunner.runner.source.FunctionAuth;
import dev.serverlessrunner.runner.source.FunctionNames;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Authentication and authorization of the invocation port. Its handlers run before the invocation
 * routes: {@code /execute/{name}} needs credentials allowed to invoke the function (unless it is
 * public), and {@code /executions/{id}} has its caller identified here and checked against the
 * record's function by {@link #permitRead}. Refusals are the contract's JSON with {@code
 * WWW-Authenticate} (RFC 6750).
 */
@ApplicationScoped
public class InvocationSecurity {

  private static final Logger LOG = Logger.getLogger(InvocationSecurity.class);
  private static final String CALLER = InvocationSecurity.class.getName() + ".caller";
  private static final String REALM = "serverless-runner";

  /** Runs before every route registered in the usual order. */
  private static final int ORDER = -1000;

  private final AuthMode mode;
  private final FunctionRegistry functions;
  private final Vertx vertx;
  private final AccessPolicy policy;
  private final ApiKeys apiKeys;
  private final JwtVerifier jwt;
  private final String description;

  public InvocationSecurity(RunnerConfig config, FunctionRegistry functions, Vertx vertx) {
    RunnerConfig.Auth auth = config.auth();
    this.mode = auth.mode();
    this.functions = functions;
    this.vertx = vertx;
    this.policy = new AccessPolicy(auth.adminScope());
    switch (mode) {
      case NONE -> {
        apiKeys = null;
        jwt = null;
        description =
            "none: anyone who reaches the runner may invoke every function and read"
                + " every record";
      }
      case API_KEY -> {
        apiKeys =
            ApiKeys.load(
                auth.apiKeysDir()
                    .orElseThrow(
                        () ->
                            new IllegalStateException(
                                "runner.auth.mode=api-key needs runner.auth.api-keys-dir (the"
                                    + " mounted Secret of key hashes)")));
        jwt = null;
        description = "api-key (" + auth.apiKeysDir().get() + ")";
      }
      case JWT -> {
        RunnerConfig.Jwt j = auth.jwt();
        String issuer =
            j.issuer()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "runner.auth.mode=jwt needs runner.auth.jwt.issuer"));
        String jwks =
            j.jwksUrl()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "runner.auth.mode=jwt needs runner.auth.jwt.jwks-url"));
        apiKeys = null;
        jwt =
            new JwtVerifier(
                issuer, jwks, new HashSet<>(j.audience().orElse(List.of())), j.rolesClaim());
        description = "jwt (issuer " + issuer + ")";
      }
      default -> throw new IllegalStateException("unknown auth mode " + mode);
    }
  }

  void started(@Observes StartupEvent event, RunnerConfig config) {
    if (mode == AuthMode.NONE) {
      LOG.warn(
          "runner.auth.mode=none: invocations and records are NOT authenticated; anyone who"
              + " reaches this runner may invoke every function and read every record. Set"
              + " runner.auth.mode=api-key or jwt (RunnerPool spec.auth) outside development.");
    } else {
      LOG.infof("Invocation authentication: %s", description);
    }
    if (apiKeys != null) {
      long period = Math.max(1, config.auth().apiKeysReloadInterval().toMillis());
      vertx.setPeriodic(
          period,
          id ->
              vertx.executeBlocking(
                  () -> {
                    apiKeys.reloadQuietly();
                    return null;
                  },
                  false));
    }
  }

  void register(@Observes Router router) {
    if (mode == AuthMode.NONE) {
      return;
    }
    router.route("/execute/:name").order(ORDER).handler(this::guardInvocation);
    router.route("/executions/:id").order(ORDER).handler(this::identify);
  }

  /** The mode, as readiness reports it. */
  public String describe() {
    return switch (mode) {
      case NONE ->
          "none (NOT authenticated: anyone may invoke every function and read every record)";
      case API_KEY -> "api-key (" + apiKeys.size() + " keys)";
      case JWT -> "jwt";
    };
  }

  private void guardInvocation(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    Optional<ServedFunction> function =
        FunctionNames.isValid(name) ? functions.lookup(name) : Optional.empty();
    if (!FunctionNames.isValid(name)
        || function.map(f -> f.config().auth().isPublic()).orElse(false)) {
      // Invalid names get their 400; public functions need nothing.
      ctx.next();
      return;
    }
    authenticate(ctx)
        .onSuccess(
            caller -> {
              if (function.isEmpty()) {
                // Only an authenticated caller learns that a function does not exist.
                if (!refused(
                    ctx,
                    caller.authenticated()
                        ? AccessPolicy.Decision.ALLOW
                        : AccessPolicy.Decision.UNAUTHENTICATED,
                    name,
                    null)) {
                  ctx.next();
                }
                return;
              }
              FunctionAuth auth = function.get().config().auth();
              if (refused(ctx, policy.invoke(caller, auth), name, auth)) {
                return;
              }
              ctx.next();
            });
  }

  private void identify(RoutingContext ctx) {
    authenticate(ctx)
        .onSuccess(
            caller -> {
              ctx.request().resume(); // a record read has no body to wait for
              ctx.next();
            });
  }

  /**
   * Whether the caller identified for this request may read a record of {@code function}; when not,
   * the 401 or 403 has been sent.
   */
  public boolean permitRead(RoutingContext ctx, String function) {
    if (mode == AuthMode.NONE) {
      return true;
    }
    Caller caller = ctx.get(CALLER, Caller.ANONYMOUS);
    FunctionAuth auth = functions.lookup(function).map(f -> f.config().auth()).orElse(null);
    return !refused(ctx, policy.read(caller, auth), function, auth);
  }

  /**
   * The request's caller: anonymous without an {@code Authorization: Bearer} header, else verified
   * (a JWT off the event loop). Invalid credentials end the request with 401 and fail the future.
   */
  private Future<Caller> authenticate(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String token = bearer(request.getHeader("Authorization"));
    if (token == null) {
      ctx.put(CALLER, Caller.ANONYMOUS);
      return Future.succeededFuture(Caller.ANONYMOUS);
    }
    Future<Caller> verified;
    if (apiKeys != null) {
      verified = verify(() -> apiKeys.verify(token));
    } else {
      // Verifying may fetch the JWKS: never on the event loop. The body waits meanwhile.
      request.pause();
      verified = vertx.executeBlocking(() -> jwt.verify(token), false);
    }
    return verified
        .onSuccess(caller -> ctx.put(CALLER, caller))
        .onFailure(
            failure -> {
              String reason =
                  failure instanceof AuthenticationException
                      ? failure.getMessage()
                      : "invalid token";
              if (!(failure instanceof AuthenticationException)) {
                LOG.warnf("Credentials could not be checked: %s", failure.toString());
              }
              unauthorized(ctx, "Invalid credentials", reason, true);
            });
  }

  private static Future<Caller> verify(java.util.function.Supplier<Caller> check) {
    try {
      return Future.succeededFuture(check.get());
    } catch (AuthenticationException e) {
      return Future.failedFuture(e);
    }
  }

  private static String bearer(String header) {
    if (header == null) {
      return null;
    }
    int space = header.indexOf(' ');
    if (space < 0 || !header.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
      return null;
    }
    String token = header.substring(space + 1).trim();
    return token.isEmpty() ? null : token;
  }

  /** Sends the refusal of {@code decision}, if any; true when the request was refused. */
  private boolean refused(
      RoutingContext ctx, AccessPolicy.Decision decision, String function, FunctionAuth auth) {
    switch (decision) {
      case ALLOW -> {
        return false;
      }
      case UNAUTHENTICATED ->
          unauthorized(
              ctx, "Authentication required", "send Authorization: Bearer <credentials>", false);
      case FORBIDDEN -> {
        List<String> scopes = auth == null ? List.of() : auth.requiredScopes();
        List<String> roles = auth == null ? List.of() : auth.requiredRoles();
        ctx.response()
            .putHeader(
                "WWW-Authenticate",
                "Bearer realm=\""
                    + REALM
                    + "\", error=\"insufficient_scope\""
                    + (scopes.isEmpty() ? "" : ", scope=\"" + String.join(" ", scopes) + "\""));
        send(
            ctx,
            403,
            "Forbidden",
            new JsonObject()
                .put("function", function)
                .put("required_scopes", new JsonArray(scopes))
                .put("required_roles", new JsonArray(roles)));
      }
    }
    return true;
  }

  private static void unauthorized(
      RoutingContext ctx, String error, String reason, boolean invalidToken) {
    ctx.response()
        .putHeader(
            "WWW-Authenticate",
            "Bearer realm=\""
                + REALM
                + "\""
                + (invalidToken
                    ? ", error=\"invalid_token\", error_description=\"" + reason + "\""
                    : ""));
    send(ctx, 401, error, new JsonObject().put("reason", reason));
  }

  private static void send(RoutingContext ctx, int status, String error, JsonObject details) {
    if (ctx.response().ended()) {
      return;
    }
    JsonObject body = new JsonObject().put("error", error).put("status", status).mergeIn(details);
    ctx.request().resume();
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.toBuffer());
  }
}
