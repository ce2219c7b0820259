package io.jenkins.plugins.securedelivery.approval;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Who may approve a release into one environment. Self-approval is never allowed and has no setting: the commit author
 * and the user who started the run cannot approve, whatever group they are in.
 *
 * @param environment   dev, staging, prod...
 * @param groups        the groups whose members may approve (as the caller resolves a user's groups)
 * @param required      how many distinct approvers are needed (N of the groups' M members)
 * @param ticket        whether a change ticket is needed, and what it looks like
 * @param expiresAfter  how long after it is requested an approval can be given and used
 * @param adminGroup    the administrators' group, or null
 * @param adminBypass   whether one member of {@code adminGroup} alone may approve; recorded as a bypass when used
 */
public record EnvironmentPolicy(String environment, List<String> groups, int required, TicketRule ticket, Duration expiresAfter,
        String adminGroup, boolean adminBypass) {

    public EnvironmentPolicy {
        Objects.requireNonNull(environment, "environment");
        groups = List.copyOf(groups);
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(expiresAfter, "expiresAfter");
        if (groups.isEmpty() || required < 1 || expiresAfter.isNegative() || expiresAfter.isZero()) {
            throw new IllegalArgumentException("an approval policy needs groups, at least one approver and a positive expiry");
        }
        if (adminBypass && adminGroup == null) {
            throw new IllegalArgumentException("an admin bypass needs the admin group named");
        }
    }

    /**
     * Whether a change ticket is needed, and the pattern the whole ticket id must match.
     *
     * @param pattern a Java regular expression, or null for any non-blank id
     */
    public record TicketRule(boolean required, Pattern pattern) {

        public static TicketRule none() {
            return new TicketRule(false, null);
        }

        boolean accepts(String ticket) {
            return pattern == null || pattern.matcher(ticket).matches();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof TicketRule that && required == that.required
                    && Objects.equals(pattern == null ? null : pattern.pattern(), that.pattern == null ? null : that.pattern.pattern());
        }

        @Override
        public int hashCode() {
            return Objects.hash(required, pattern == null ? null : pattern.pattern());
        }
    }
}
