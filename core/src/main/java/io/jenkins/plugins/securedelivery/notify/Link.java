package io.jenkins.plugins.securedelivery.notify;

import java.util.Objects;

/**
 * A link in a notification, such as the approve and reject pages of a run. The caller supplies the URLs: a
 * notification only shows them, it never approves anything itself.
 *
 * @param text  the label, e.g. "Approve"
 * @param url   where it leads
 * @param style how Slack colours its button
 */
public record Link(String text, String url, Style style) {

    public enum Style { PLAIN, PRIMARY, DANGER }

    public Link {
        if (text == null || text.isBlank() || url == null || url.isBlank()) {
            throw new NotifyInputException("a link", "needs a text and a URL", "give both, e.g. Approve=https://jenkins.example.com/job/app/42/input/");
        }
        Objects.requireNonNull(style, "style");
    }

    public static Link approve(String url) {
        return new Link("Approve", url, Style.PRIMARY);
    }

    public static Link reject(String url) {
        return new Link("Reject", url, Style.DANGER);
    }

    public static Link plain(String text, String url) {
        return new Link(text, url, Style.PLAIN);
    }
}
