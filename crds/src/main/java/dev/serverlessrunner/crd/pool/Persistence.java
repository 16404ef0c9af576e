package dev.serverlessrunner.crd.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** Sharded PostgreSQL storage of execution records and its batching. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Persistence {
  @Size(min = 1, max = 64)
  @JsonPropertyDescription(
      "PostgreSQL shards, in order: a record's shard is chosen from its id, so keep the order"
          + " stable. Each Secret holds the key url: postgresql://user:password@host:5432/db"
          + " (URL-encode special characters in the password).")
  private List<Shard> shards;

  @JsonPropertyDescription("Micro-batching of record inserts.")
  private Batch batch;

  @JsonPropertyDescription(
      "CA certificate (PEM) the shards' server certificates are checked against: mounted read-only"
          + " into the runner pods and used as sslrootcert for every shard URI without one; a URI"
          + " without sslmode then gets sslmode=verify-full.")
  private CaCertificate caCertificate;

  public List<Shard> getShards() {
    return shards;
  }

  public void setShards(List<Shard> shards) {
    this.shards = shards;
  }

  public Batch getBatch() {
    return batch;
  }

  public void setBatch(Batch batch) {
    this.batch = batch;
  }

  public CaCertificate getCaCertificate() {
    return caCertificate;
  }

  public void setCaCertificate(CaCertificate caCertificate) {
    this.caCertificate = caCertificate;
  }
}
