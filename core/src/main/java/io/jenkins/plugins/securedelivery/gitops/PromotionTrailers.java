package io.jenkins.plugins.securedelivery.gitops;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The trailers every promotion and rollback commit ends with, in {@code git interpret-trailers} format ({@code
 * Key: value}, one per line, in the message's last paragraph). {@link Deployment}s are read back from them, so they
 * are the record of what ran where: do not rename them.
 *
 * <pre>
 * Promote-Environment: prod
 * Promote-Image: ghcr.io/org/medical-platform=registry.example.com/org/medical-platform@sha256:&lt;64 hex&gt;
 * Source-Repository: https://github.com/org/medical-platform
 * Source-Commit: 0123abcd...
 * Source-Committed-At: 2026-11-24T01:46:00Z
 * Run-URL: https://jenkins.example.com/job/medical-platform/42/
 * Approved-By: alice
 * Approved-By: bob
 * Rollback-Of: &lt;GitOps commit of the release rolled back&gt;
 * </pre>
 *
 * {@code Promote-Image} and {@code Approved-By} repeat, one per image and approver; every key but {@code
 * Promote-Environment} and {@code Promote-Image} is optional. A commit without {@code Promote-Environment} is not a
 * deployment (a hand edit of an overlay, say) and history skips it.
 */
public final class PromotionTrailers {

    public static final String ENVIRONMENT = "Promote-Environment";
    /** One per image: {@code NAME=NEWNAME@sha256:<hex>}, as {@link ImagePin#parse} reads it. */
    public static final String IMAGE = "Promote-Image";
    public static final String SOURCE_REPOSITORY = "Source-Repository";
    public static final String SOURCE_COMMIT = "Source-Commit";
    /** RFC 3339 in UTC, e.g. {@code 2026-11-24T01:46:00Z}. */
    public static final String SOURCE_COMMITTED_AT = "Source-Committed-At";
    public static final String RUN_URL = "Run-URL";
    /** One per approver. */
    public static final String APPROVED_BY = "Approved-By";
    /** Only on rollbacks: the GitOps commit of the release that was rolled back. */
    public static final String ROLLBACK_OF = "Rollback-Of";

    private PromotionTrailers() {
    }

    /** The full commit message of a deployment: subject, a body listing the images, then the trailers. */
    static String message(Deployment release) {
        StringBuilder m = new StringBuilder(subject(release)).append("\n\n");
        m.append(release.isRollback() ? "Rolls back " + release.rollbackOf() + ", restoring:\n" : "Images:\n");
        for (ImagePin pin : release.images()) {
            m.append("  ").append(pin.name());
            if (!pin.newName().equals(pin.name())) {
                m.append(" -> ").append(pin.newName());
            }
            m.append(" @ ").append(pin.digest()).append('\n');
        }
        m.append('\n');
        trailer(m, ENVIRONMENT, release.environment());
        release.images().forEach(pin -> trailer(m, IMAGE, pin.toString()));
        trailer(m, SOURCE_REPOSITORY, release.sourceRepository());
        trailer(m, SOURCE_COMMIT, release.sourceCommit());
        trailer(m, SOURCE_COMMITTED_AT,
                release.sourceCommittedAt() == null ? null : release.sourceCommittedAt().toString());
        trailer(m, RUN_URL, release.runUrl());
        release.approvers().forEach(a -> trailer(m, APPROVED_BY, a));
        trailer(m, ROLLBACK_OF, release.rollbackOf());
        return m.toString();
    }

    private static String subject(Deployment release) {
        ImagePin first = release.images().get(0);
        String name = first.name().substring(first.name().lastIndexOf('/') + 1);
        String more = release.images().size() > 1 ? " and " + (release.images().size() - 1) + " more" : "";
        String shortDigest = first.digest().substring(0, "sha256:".length() + 12);
        return release.isRollback()
                ? "Roll back " + release.environment() + " to " + name + more + ": " + shortDigest
                : "Promote " + name + more + " to " + release.environment() + ": " + shortDigest;
    }

    private static void trailer(StringBuilder m, String key, String value) {
        if (value != null) {
            m.append(key).append(": ").append(value).append('\n');
        }
    }

    /** Checks a value can be a trailer: one line, not blank. */
    static String oneLine(String what, String value) {
        if (value != null && (value.isBlank() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0)) {
            throw new IllegalArgumentException(what + " must be one non-blank line to be recorded as a trailer");
        }
        return value;
    }

    /** The deployment a commit records, or empty when its message has no {@code Promote-Environment} trailer. */
    static Optional<Deployment> read(RevCommit commit) {
        // JGit's footer parser reads the last paragraph the way git interpret-trailers does.
        List<String> environment = commit.getFooterLines(ENVIRONMENT);
        if (environment.isEmpty()) {
            return Optional.empty();
        }
        List<ImagePin> images = new ArrayList<>();
        for (String image : commit.getFooterLines(IMAGE)) {
            try {
                images.add(ImagePin.parse(image.trim()));
            } catch (IllegalArgumentException notAPin) {
                return Optional.empty();
            }
        }
        return Optional.of(new Deployment(commit.getName(), commit.getCommitterIdent().getWhenAsInstant(),
                environment.get(0).trim(), images, last(commit, SOURCE_REPOSITORY), last(commit, SOURCE_COMMIT),
                instant(last(commit, SOURCE_COMMITTED_AT)), last(commit, RUN_URL),
                commit.getFooterLines(APPROVED_BY).stream().map(String::trim).toList(), last(commit, ROLLBACK_OF)));
    }

    private static String last(RevCommit commit, String key) {
        List<String> values = commit.getFooterLines(key);
        return values.isEmpty() ? null : values.get(values.size() - 1).trim();
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notRfc3339) {
            return null;
        }
    }
}
