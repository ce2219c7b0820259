/**
 * GitOps: a release is promoted or rolled back by one commit to an environment's kustomize overlay, and the history
 * of every environment is read back from those commits. Git is the system of record; there is no other database.
 * <ul>
 *   <li>{@link io.jenkins.plugins.securedelivery.gitops.Promotion}: clone (depth 1), apply an
 *       {@link io.jenkins.plugins.securedelivery.gitops.OverlayEdit}, commit every image of the release at once,
 *       push, and on a lost race fetch, re-apply and push again;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.gitops.Rollback}: restore an earlier release's images in one commit
 *       marked {@code Rollback-Of};</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.gitops.DeploymentHistory}: the
 *       {@link io.jenkins.plugins.securedelivery.gitops.Deployment}s of an environment, newest first;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.gitops.PromotionTrailers}: the commit trailers that record a
 *       deployment, in {@code git interpret-trailers} format;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.gitops.GitCredentials} (token or SSH key with known_hosts) and
 *       {@link io.jenkins.plugins.securedelivery.gitops.CommitSigning} (SSH signatures);</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.gitops.GitOpsException} and its subclasses: every failure leaves the
 *       remote as it was.</li>
 * </ul>
 */
package io.jenkins.plugins.securedelivery.gitops;
