package io.jenkins.plugins.securedelivery.gitops;

import io.jenkins.plugins.securedelivery.InputException;
/**
 * A promotion, rollback or history read that could not be done, and left the GitOps repository as it was. The
 * message names the repository or overlay, the problem and the fix; it never contains a token, a password or a key.
 * Subclasses mark the failures a caller may treat differently.
 */
public class GitOpsException extends InputException {

    /**
     * @param input   what the user gave, as they named it (a repository URL without credentials, an overlay path)
     * @param problem what is wrong, without a final period
     * @param fix     what the user can do about it
     */
    public GitOpsException(String input, String problem, String fix) {
        this(input, problem, fix, null);
    }

    public GitOpsException(String input, String problem, String fix, Throwable cause) {
        // The cause's message is deliberately not copied: transport messages may quote a URL with credentials.
        super(input, problem, fix, cause);
    }

    /** The server refused the credentials, or asked for some and none were given. */
    public static class AuthenticationFailed extends GitOpsException {
        public AuthenticationFailed(String repository, Throwable cause) {
            super(repository, "the git server refused the credentials (or asked for some and none were given)",
                    "give a username and a token with write access to the repository, or an SSH key the server knows",
                    cause);
        }
    }

    /** The server declined the push for a reason other than a race: a protected branch, a pre-receive hook. */
    public static class PushRejected extends GitOpsException {
        public PushRejected(String repository, String branch, String reason) {
            super(repository, "the server rejected the push to " + branch + " (" + reason + "); nothing was changed",
                    "push through a pull request, or ask for the branch to accept pushes from this identity");
        }
    }

    /** Every attempt lost the race to other pushers; the promotion did not land and can be run again. */
    public static class TooManyConcurrentPushes extends GitOpsException {
        public TooManyConcurrentPushes(String repository, String branch, int attempts) {
            super(repository, branch + " moved under each of " + attempts
                    + " attempts (other promotions kept pushing first); this promotion did not land",
                    "run it again, or raise the number of attempts");
        }
    }

    /** The connection broke or the server could not be reached; the remote is as it was before. */
    public static class Unreachable extends GitOpsException {
        public Unreachable(String repository, String problem, Throwable cause) {
            super(repository, problem, "check that the server is up and reachable, then run it again (it is safe: a"
                    + " promotion that landed is not made twice)", cause);
        }
    }

    /** The environment's overlay is not in the repository. */
    public static class OverlayNotFound extends GitOpsException {
        public OverlayNotFound(String repository, String overlay, String known) {
            super(repository, "there is no overlay directory " + overlay
                    + (known.isEmpty() ? "" : " (overlays there: " + known + ")"),
                    "name an existing environment, or give the overlay's path");
        }
    }
}
