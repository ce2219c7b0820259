package io.jenkins.plugins.securedelivery.notify;

import java.util.List;

/**
 * What to tell people: a title, a few lines of text and links. Each channel renders it in its own format.
 *
 * @param title one line: "Approval needed: medical-platform to prod (CHG-1234)"
 * @param text  details; Slack renders it as mrkdwn
 * @param links e.g. {@link Link#approve} and {@link Link#reject}
 */
public record Notification(String title, String text, List<Link> links) {

    public Notification {
        if (title == null || title.isBlank()) {
            throw new NotifyInputException("the notification", "has no title", "give a one-line title");
        }
        text = text == null ? "" : text;
        links = List.copyOf(links);
    }
}
