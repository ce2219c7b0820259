package io.jenkins.plugins.securedelivery.gitops;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a promotion changes in an environment's overlay, computed from the files as they are in the checkout: so when
 * someone else pushed first, the same edit is applied again on top of their commit.
 */
@FunctionalInterface
public interface OverlayEdit {

    /**
     * @param overlay the overlay directory in the checkout
     * @return the new content of each file to change, by path relative to {@code overlay}; empty when the overlay
     *         already says what the edit wants (a promotion of what is already there is a no-op)
     */
    Map<String, byte[]> apply(Path overlay) throws IOException;
}
