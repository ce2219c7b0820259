package io.jenkins.plugins.securedelivery.gitops;

import java.time.Instant;
import java.util.List;

/**
 * One promotion or rollback of an environment, as its commit's trailers record it in the GitOps repository: the
 * history, the audit trail and the DORA metrics are all read from these.
 *
 * @param commit            the GitOps commit that deployed it
 * @param deployedAt        when that commit was made (committer time)
 * @param environment       dev, staging, prod...
 * @param images            every image of the release, by digest
 * @param sourceRepository  the application's repository, or null
 * @param sourceCommit      the application commit that was built, or null
 * @param sourceCommittedAt when the application commit was made (lead time starts here), or null
 * @param runUrl            the pipeline run that promoted it, or null
 * @param approvers         who approved it (prod), may be empty
 * @param rollbackOf        for a rollback, the GitOps commit of the bad release it replaced; null for a promotion
 */
public record Deployment(
        String commit,
        Instant deployedAt,
        String environment,
        List<ImagePin> images,
        String sourceRepository,
        String sourceCommit,
        Instant sourceCommittedAt,
        String runUrl,
        List<String> approvers,
        String rollbackOf) {

    public Deployment {
        images = List.copyOf(images);
        approvers = List.copyOf(approvers == null ? List.of() : approvers);
    }

    public boolean isRollback() {
        return rollbackOf != null;
    }
}
