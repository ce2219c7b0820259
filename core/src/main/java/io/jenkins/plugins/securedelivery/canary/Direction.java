package io.jenkins.plugins.securedelivery.canary;

/** Which way a metric moves when the canary is worse than its baseline. */
enum Direction {
    INCREASE_IS_BAD("increase-is-bad"),
    DECREASE_IS_BAD("decrease-is-bad");

    private final String text;

    Direction(String text) {
        this.text = text;
    }

    /** As written in a policy. */
    String text() {
        return text;
    }
}
