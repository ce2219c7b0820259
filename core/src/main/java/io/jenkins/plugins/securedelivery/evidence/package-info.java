/**
 * Evidence: what a release was judged by, kept so that it can be checked later, and a tamper-evident audit trail.
 * <ul>
 *   <li>{@link io.jenkins.plugins.securedelivery.evidence.EvidenceBundle}: a reproducible zip of
 *       {@link io.jenkins.plugins.securedelivery.evidence.EvidenceFile}s with a DSSE-signed
 *       {@link io.jenkins.plugins.securedelivery.evidence.EvidenceManifest}, and its verification into an
 *       {@link io.jenkins.plugins.securedelivery.evidence.EvidenceReport};</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.evidence.EvidenceStore}: bundles as OCI 1.1 artifacts referring to
 *       their image in a registry;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.evidence.AuditLog}: an append-only JSON-lines log of
 *       {@link io.jenkins.plugins.securedelivery.evidence.AuditEntry}s, each chained to the line before it;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.evidence.EvidenceInputException} and
 *       {@link io.jenkins.plugins.securedelivery.evidence.AuditLogException}: bad input, nothing written.</li>
 * </ul>
 */
package io.jenkins.plugins.securedelivery.evidence;
