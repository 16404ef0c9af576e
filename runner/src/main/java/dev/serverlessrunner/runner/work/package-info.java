/**
 * Background work shared by the runner's parts: {@link dev.serverlessrunner.runner.work.Backoff}
 * (retry delays of the recording shards and the Kubernetes function source) and {@link
 * dev.serverlessrunner.runner.work.KeyedWorkQueue} (one thread handling keys with retries).
 */
package dev.serverlessrunner.runner.work;
