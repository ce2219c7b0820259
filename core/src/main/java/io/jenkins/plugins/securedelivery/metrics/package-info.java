/**
 * DORA metrics of one environment from its deployment history alone (the GitOps commits' trailers, read by the
 * gitops package as {@link io.jenkins.plugins.securedelivery.gitops.Deployment}s): no other database.
 * <ul>
 *   <li>{@link io.jenkins.plugins.securedelivery.metrics.Window}: the period, from {@code --since 90d} or two
 *       instants;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.metrics.DoraMetrics#of}: deployment frequency, lead time for changes,
 *       change failure rate and time to restore, each with the counts it was computed from, unknown (null) when there
 *       is nothing to compute it from;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.metrics.DoraFormat}: text, JSON or Prometheus exposition.</li>
 * </ul>
 * docs/dora.md defines each figure.
 */
package io.jenkins.plugins.securedelivery.metrics;
