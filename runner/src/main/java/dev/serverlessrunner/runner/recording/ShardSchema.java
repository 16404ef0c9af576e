package dev.serverlessrunner.runner.recording;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Creates and migrates the tables of one shard, idempotently, at start.
 *
 * <p>Migrations are numbered and applied in order inside one transaction that first takes a
 * transaction-scoped advisory lock, so several runners starting against the same shard at once
 * apply each migration exactly once. {@code schema_version} remembers what was applied. Add a
 * migration by appending to {@link #MIGRATIONS}; never edit one that has shipped.
 */
final class ShardSchema {

  /** Arbitrary but fixed: the advisory lock key all runners agree on ("srschema" in ASCII). */
  private static final long LOCK_KEY = 0x7372736368656D61L;

  private record Migration(int version, String description, List<String> statements) {}

  private static final List<Migration> MIGRATIONS =
      List.of(
          new Migration(
              1,
              "executions table",
              List.of(
                  """
                  CREATE TABLE IF NOT EXISTS executions (
                    id             uuid        PRIMARY KEY,
                    function       text        NOT NULL,
                    module_digest  text        NOT NULL,
                    exit_code      integer,
                    outcome        text        NOT NULL,
                    stdout_snippet text        NOT NULL,
                    stdout_bytes   bigint      NOT NULL,
                    duration_us    bigint      NOT NULL,
                    fuel_consumed  bigint      NOT NULL,
                    error          text,
                    created_at     timestamptz NOT NULL
                  )""",
                  "CREATE INDEX IF NOT EXISTS executions_function_created_at"
                      + " ON executions (function, created_at)")),
          new Migration(
              2,
              "executions.sleep_us: time a guest slept in poll_oneoff",
              // A constant default: PostgreSQL 11+ adds it without rewriting the table.
              List.of(
                  "ALTER TABLE executions ADD COLUMN IF NOT EXISTS sleep_us bigint NOT NULL"
                      + " DEFAULT 0")),
          new Migration(
              3,
              "executions.stderr_snippet, trace_id, span_id: guest stderr and the invocation span",
              // Constant defaults and nullable columns: added without rewriting the table. Rows
              // written before this migration read as "no stderr, not traced".
              List.of(
                  "ALTER TABLE executions ADD COLUMN IF NOT EXISTS stderr_snippet text NOT NULL"
                      + " DEFAULT ''",
                  "ALTER TABLE executions ADD COLUMN IF NOT EXISTS trace_id text",
                  "ALTER TABLE executions ADD COLUMN IF NOT EXISTS span_id text")));

  private ShardSchema() {}

  /** The version a fully migrated shard reports. */
  static int latestVersion() {
    return MIGRATIONS.getLast().version();
  }

  /** Brings the shard behind {@code pool} to {@link #latestVersion()}; yields that version. */
  static Future<Integer> migrate(Pool pool) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery("SELECT pg_advisory_xact_lock($1)")
                .execute(Tuple.of(LOCK_KEY))
                // IF NOT EXISTS raises a NOTICE on every start, which the client logs as WARN.
                .compose(ignored -> conn.query("SET LOCAL client_min_messages = warning").execute())
                .compose(
                    ignored ->
                        conn.query(
                                """
                                CREATE TABLE IF NOT EXISTS schema_version (
                                  version     integer     PRIMARY KEY,
                                  description text        NOT NULL,
                                  applied_at  timestamptz NOT NULL DEFAULT now()
                                )""")
                            .execute())
                .compose(
                    ignored ->
                        conn.query("SELECT coalesce(max(version), 0) AS v FROM schema_version")
                            .execute())
                .compose(
                    rows -> {
                      Row row = rows.iterator().next();
                      return applyFrom(conn, row.getInteger("v"));
                    }));
  }

  private static Future<Integer> applyFrom(SqlConnection conn, int current) {
    Future<Void> chain = Future.succeededFuture();
    for (Migration migration : MIGRATIONS) {
      if (migration.version() <= current) {
        continue;
      }
      for (String statement : migration.statements()) {
        chain = chain.compose(ignored -> conn.query(statement).execute().mapEmpty());
      }
      chain =
          chain.compose(
              ignored ->
                  conn.preparedQuery(
                          "INSERT INTO schema_version (version, description) VALUES ($1, $2)")
                      .execute(Tuple.of(migration.version(), migration.description()))
                      .mapEmpty());
    }
    return chain.map(ignored -> latestVersion());
  }
}
