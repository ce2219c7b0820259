package io.jenkins.plugins.securedelivery.canary;

/** What an analysis concluded. Too little data is {@link #INCONCLUSIVE}, never {@link #PASS}. */
public enum Outcome {
    PASS,
    FAIL,
    INCONCLUSIVE
}
