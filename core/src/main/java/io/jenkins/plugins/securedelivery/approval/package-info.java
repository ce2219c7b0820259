/**
 * Approvals: who may approve a release into an environment, and the signed record of an approval.
 * <ul>
 *   <li>{@link io.jenkins.plugins.securedelivery.approval.ApprovalPolicy}: the rules per environment, read from YAML
 *       (groups, N distinct approvers, change ticket, expiry, admin bypass; never self-approval);</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.approval.ApprovalRequest} and
 *       {@link io.jenkins.plugins.securedelivery.approval.ApprovalDecision}: plain records with a JSON form, which a
 *       waiting step stores and resumes from;</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.approval.ApprovalPolicy#evaluate}: a pure function from request,
 *       decisions and the time to an {@link io.jenkins.plugins.securedelivery.approval.ApprovalState};</li>
 *   <li>{@link io.jenkins.plugins.securedelivery.approval.ApprovalRecord}: the approved outcome, signed as a DSSE envelope.</li>
 * </ul>
 */
package io.jenkins.plugins.securedelivery.approval;
