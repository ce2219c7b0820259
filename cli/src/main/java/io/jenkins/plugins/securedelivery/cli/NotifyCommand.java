package io.jenkins.plugins.securedelivery.cli;

import io.jenkins.plugins.securedelivery.notify.DeliveryOptions;
import io.jenkins.plugins.securedelivery.notify.JsonWebhook;
import io.jenkins.plugins.securedelivery.notify.Link;
import io.jenkins.plugins.securedelivery.notify.Notification;
import io.jenkins.plugins.securedelivery.notify.NotificationResult;
import io.jenkins.plugins.securedelivery.notify.NotifyInputException;
import io.jenkins.plugins.securedelivery.notify.PagerDutyEvents;
import io.jenkins.plugins.securedelivery.notify.SlackWebhook;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code secure-delivery notify}: Slack, PagerDuty or any JSON webhook. URLs, keys and secrets come from an environment
 * variable or a file, never an argument (which {@code ps} and shell history show).
 */
@Command(name = "notify", mixinStandardHelpOptions = true,
        description = {"Send a notification to Slack (incoming webhook), PagerDuty (Events API v2) or a JSON webhook.",
                "Exit 0 when delivered, 1 when not (the reason is printed; add || true where that must not fail the stage)."},
        subcommands = {NotifyCommand.Slack.class, NotifyCommand.PagerDuty.class, NotifyCommand.Webhook.class})
final class NotifyCommand {

    /** What to say: title, text, and links such as the run's approve and reject pages. */
    static final class Message {
        @Option(names = "--title", paramLabel = "TEXT", description = "One line, e.g. \"Approval needed: app to prod (CHG-1234)\".")
        String title;

        @Option(names = "--text", paramLabel = "TEXT", description = "Details (Slack mrkdwn).")
        String text;

        @Option(names = "--approve-url", paramLabel = "URL", description = "Link shown as the Approve button.")
        String approveUrl;

        @Option(names = "--reject-url", paramLabel = "URL", description = "Link shown as the Reject button.")
        String rejectUrl;

        @Option(names = "--link", paramLabel = "TEXT=URL", description = "Another link, e.g. Run=https://jenkins.example.com/job/app/42/.")
        List<String> links = List.of();

        Notification notification() {
            if (title == null || title.isBlank()) {
                throw new NotifyInputException("--title", "is missing", "give a one-line title");
            }
            List<Link> all = new ArrayList<>();
            if (approveUrl != null) {
                all.add(Link.approve(approveUrl));
            }
            if (rejectUrl != null) {
                all.add(Link.reject(rejectUrl));
            }
            for (String link : links) {
                int eq = link.indexOf('=');
                if (eq <= 0 || eq == link.length() - 1) {
                    throw new NotifyInputException("--link " + link, "is not TEXT=URL", "write e.g. --link Run=https://jenkins.example.com/job/app/42/");
                }
                all.add(Link.plain(link.substring(0, eq), link.substring(eq + 1)));
            }
            return new Notification(title, text, all);
        }
    }

    /** The secret in environment variable {@code env} or in {@code file} (one trailing line break dropped): exactly one. */
    static String secret(String option, String env, Path file) throws IOException {
        if ((env == null) == (file == null)) {
            throw new NotifyInputException(option + "-env / " + option + "-file", env == null ? "neither was given" : "both were given",
                    "give the environment variable or the file that holds it (never the value itself)");
        }
        String value;
        if (env != null) {
            value = System.getenv(env);
            if (value == null || value.isBlank()) {
                throw new NotifyInputException(option + "-env " + env, "the environment variable is not set or empty", "set it from your secret store");
            }
        } else {
            value = Files.readString(file, StandardCharsets.UTF_8);
            if (value.isBlank()) {
                throw new NotifyInputException(option + "-file " + file, "the file is empty", "write the secret into it");
            }
        }
        return value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    }

    static URI uri(String option, String value) {
        try {
            return new URI(value.strip());
        } catch (URISyntaxException e) {
            // The value is not quoted: it may hold a token.
            throw new NotifyInputException(option, "does not hold a URL", "check the value (it is not shown because it may hold a secret)");
        }
    }

    static int report(CommandSpec spec, NotificationResult result) {
        (result.delivered() ? spec.commandLine().getOut() : spec.commandLine().getErr()).println(result.summary());
        return result.delivered() ? 0 : SecureDelivery.FAILED_CHECK;
    }

    @Command(name = "slack", mixinStandardHelpOptions = true,
            description = "Post a Block Kit message with the title, text and link buttons to a Slack incoming webhook.")
    static final class Slack implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Message message;

        @Option(names = "--webhook-url-env", paramLabel = "VAR", description = "Environment variable holding the webhook URL.")
        String urlEnv;

        @Option(names = "--webhook-url-file", paramLabel = "FILE", description = "File holding the webhook URL.")
        Path urlFile;

        @Override
        public Integer call() throws Exception {
            Notification notification = message.notification();
            URI url = uri("--webhook-url", secret("--webhook-url", urlEnv, urlFile));
            return report(spec, new SlackWebhook(url, DeliveryOptions.defaults()).send(notification));
        }
    }

    @Command(name = "pagerduty", mixinStandardHelpOptions = true,
            description = "Trigger (default) or resolve a PagerDuty alert through the Events API v2.")
    static final class PagerDuty implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Message message;

        @Option(names = "--routing-key-env", paramLabel = "VAR", description = "Environment variable holding the integration (routing) key.")
        String keyEnv;

        @Option(names = "--routing-key-file", paramLabel = "FILE", description = "File holding the integration (routing) key.")
        Path keyFile;

        @Option(names = "--endpoint", paramLabel = "URL", description = "Default: ${DEFAULT-VALUE} (EU: https://events.eu.pagerduty.com/v2/enqueue).",
                defaultValue = "https://events.pagerduty.com/v2/enqueue")
        String endpoint;

        @Option(names = "--dedup-key", required = true, paramLabel = "KEY", description = "Correlates trigger and resolve, e.g. prod/app/42.")
        String dedupKey;

        @Option(names = "--resolve", description = "Resolve the alert instead of triggering it.")
        boolean resolve;

        @Option(names = "--source", paramLabel = "TEXT", description = "Trigger: where the problem is, e.g. prod/medical-platform.")
        String source;

        @Option(names = "--severity", paramLabel = "LEVEL", defaultValue = "warning", description = "Trigger: critical, error, warning or info. Default: ${DEFAULT-VALUE}.")
        PagerDutyEvents.Severity severity;

        @Override
        public Integer call() throws Exception {
            Notification notification = resolve ? null : message.notification();
            if (!resolve && (source == null || source.isBlank())) {
                throw new NotifyInputException("--source", "is missing", "say where the problem is, e.g. --source prod/medical-platform");
            }
            PagerDutyEvents events = new PagerDutyEvents(secret("--routing-key", keyEnv, keyFile), uri("--endpoint", endpoint), DeliveryOptions.defaults());
            return report(spec, resolve ? events.resolve(dedupKey) : events.trigger(notification, dedupKey, source, severity));
        }
    }

    @Command(name = "webhook", mixinStandardHelpOptions = true,
            description = {"POST JSON to a webhook: {\"title\", \"text\", \"links\"} from the message options, or --body-file as it is.",
                    "Optionally signed with HMAC-SHA256 (X-Secure-Delivery-Signature) or with a secret header."})
    static final class Webhook implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Message message;

        @Option(names = "--url-env", paramLabel = "VAR", description = "Environment variable holding the webhook URL.")
        String urlEnv;

        @Option(names = "--url-file", paramLabel = "FILE", description = "File holding the webhook URL.")
        Path urlFile;

        @Option(names = "--body-file", paramLabel = "FILE", description = "Send this JSON document as it is.")
        Path bodyFile;

        @Option(names = "--hmac-secret-env", paramLabel = "VAR", description = "Environment variable holding the HMAC-SHA256 secret.")
        String hmacEnv;

        @Option(names = "--hmac-secret-file", paramLabel = "FILE", description = "File holding the HMAC-SHA256 secret.")
        Path hmacFile;

        @Option(names = "--header", paramLabel = "NAME", description = "Send a secret in this header, e.g. Authorization.")
        String header;

        @Option(names = "--header-secret-env", paramLabel = "VAR", description = "Environment variable holding the header's value.")
        String headerEnv;

        @Option(names = "--header-secret-file", paramLabel = "FILE", description = "File holding the header's value.")
        Path headerFile;

        @Override
        public Integer call() throws Exception {
            if (bodyFile != null && message.title != null) {
                throw new NotifyInputException("--body-file / --title", "both were given", "send either a JSON file as it is, or a message");
            }
            byte[] body = bodyFile == null ? null : Files.readAllBytes(bodyFile);
            Notification notification = bodyFile == null ? message.notification() : null;
            JsonWebhook webhook = new JsonWebhook(uri("--url", secret("--url", urlEnv, urlFile)), DeliveryOptions.defaults());
            if (hmacEnv != null || hmacFile != null) {
                webhook.hmacSha256(secret("--hmac-secret", hmacEnv, hmacFile).getBytes(StandardCharsets.UTF_8));
            }
            if (header != null || headerEnv != null || headerFile != null) {
                if (header == null) {
                    throw new NotifyInputException("--header", "is missing", "name the header the secret goes in, e.g. --header Authorization");
                }
                webhook.headerSecret(header, secret("--header-secret", headerEnv, headerFile));
            }
            return report(spec, body != null ? webhook.sendJson(body) : webhook.send(notification));
        }
    }
}
