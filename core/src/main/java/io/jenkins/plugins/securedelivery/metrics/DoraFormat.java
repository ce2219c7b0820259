package io.jenkins.plugins.securedelivery.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;

/** How DORA figures are written: {@code text} for logs, {@code json} with stable field names, {@code prometheus}. */
public enum DoraFormat {
    TEXT {
        @Override
        public String render(DoraMetrics m) {
            return Text.render(m);
        }
    },
    JSON {
        @Override
        public String render(DoraMetrics m) {
            return Json.render(m);
        }
    },
    /** Prometheus text exposition format 0.0.4: one gauge family per figure, labelled with the environment. */
    PROMETHEUS {
        @Override
        public String render(DoraMetrics m) {
            return Prometheus.render(m);
        }
    };

    public abstract String render(DoraMetrics metrics);

    /** {@code text}, {@code json} or {@code prometheus}, in any case. */
    public static DoraFormat named(String name) {
        for (DoraFormat f : values()) {
            if (f.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown DORA metrics format '" + name + "': use text, json or prometheus");
    }

    private static final class Text {
        static String render(DoraMetrics m) {
            DoraMetrics.DeploymentFrequency f = m.deploymentFrequency();
            DoraMetrics.LeadTime l = m.leadTimeForChanges();
            DoraMetrics.ChangeFailureRate c = m.changeFailureRate();
            DoraMetrics.TimeToRestore r = m.timeToRestore();
            String days = number(m.window().days());
            StringBuilder out = new StringBuilder();
            out.append("DORA metrics of ").append(m.environment()).append(", ").append(m.window().from())
                    .append(" .. ").append(m.window().to()).append(" (").append(days).append(" days)\n");

            out.append("  deployment frequency:  ");
            if (f.perDay() == null) {
                out.append("unknown (the history holds no deployment of ").append(m.environment()).append(")");
            } else {
                out.append(number(f.perDay())).append(" per day, ").append(number(f.perWeek())).append(" per week (")
                        .append(f.level().label()).append("): ").append(f.deployments()).append(" deployments in ")
                        .append(days).append(" days");
            }
            out.append(rollbacksNote(f.rollbacks())).append('\n');

            out.append("  lead time for changes: ");
            if (l.median() == null) {
                out.append("unknown (no deployment in the window has a source commit time)");
            } else {
                out.append("median ").append(human(l.median())).append(", p90 ").append(human(l.p90())).append(" (")
                        .append(l.level().label()).append("): ").append(l.measured()).append(" deployments measured");
            }
            if (l.withoutSourceTime() > 0) {
                out.append("; ").append(l.withoutSourceTime()).append(" without a source commit time left out");
            }
            if (l.sourceTimeAfterDeployment() > 0) {
                out.append("; ").append(l.sourceTimeAfterDeployment())
                        .append(" with a source commit time after the deployment (clock skew) left out");
            }
            out.append('\n');

            out.append("  change failure rate:   ");
            if (c.rate() == null) {
                out.append("unknown (no deployment in the window)");
            } else {
                out.append(String.format(Locale.ROOT, "%.1f%%", c.rate() * 100)).append(": ").append(c.failed())
                        .append(" of ").append(c.deployments()).append(" deployments rolled back");
            }
            out.append('\n');

            out.append("  time to restore:       ");
            if (r.median() == null) {
                out.append("unknown (no failed deployment in the window was restored)");
            } else {
                out.append("median ").append(human(r.median())).append(": ").append(r.restores())
                        .append(" failed deployments, each to the rollback that replaced it");
            }
            if (r.rollbackBeforeFailure() > 0) {
                out.append("; ").append(r.rollbackBeforeFailure())
                        .append(" with a rollback time before the deployment (clock skew) left out");
            }
            return out.append('\n').toString();
        }

        private static String rollbacksNote(int rollbacks) {
            return rollbacks == 0 ? "" : "; " + rollbacks + " rollbacks in the window, not counted as deployments";
        }
    }

    /** 3d 4h, 2h 10m, 4m 5s, 12s: the two largest units, enough to read a lead time at a glance (also on the run page). */
    public static String human(Duration d) {
        long s = d.getSeconds();
        long days = s / 86_400;
        long hours = s % 86_400 / 3_600;
        long minutes = s % 3_600 / 60;
        long seconds = s % 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        return minutes > 0 ? minutes + "m " + seconds + "s" : seconds + "s";
    }

    private static final class Json {
        private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        static String render(DoraMetrics m) {
            ObjectNode root = MAPPER.createObjectNode();
            root.put("environment", m.environment());
            ObjectNode window = root.putObject("window");
            window.put("from", m.window().from().toString());
            window.put("to", m.window().to().toString());
            window.put("days", m.window().days());

            DoraMetrics.DeploymentFrequency f = m.deploymentFrequency();
            ObjectNode frequency = root.putObject("deploymentFrequency");
            frequency.put("deployments", f.deployments());
            frequency.put("rollbacks", f.rollbacks());
            frequency.put("perDay", f.perDay());
            frequency.put("perWeek", f.perWeek());
            frequency.put("level", f.level() == null ? null : f.level().label());

            DoraMetrics.LeadTime l = m.leadTimeForChanges();
            ObjectNode lead = root.putObject("leadTimeForChanges");
            lead.put("measured", l.measured());
            lead.put("withoutSourceTime", l.withoutSourceTime());
            lead.put("sourceTimeAfterDeployment", l.sourceTimeAfterDeployment());
            lead.put("medianSeconds", seconds(l.median()));
            lead.put("p90Seconds", seconds(l.p90()));
            lead.put("level", l.level() == null ? null : l.level().label());

            DoraMetrics.ChangeFailureRate c = m.changeFailureRate();
            ObjectNode failure = root.putObject("changeFailureRate");
            failure.put("deployments", c.deployments());
            failure.put("failed", c.failed());
            failure.put("rate", c.rate());

            DoraMetrics.TimeToRestore r = m.timeToRestore();
            ObjectNode restore = root.putObject("timeToRestore");
            restore.put("restores", r.restores());
            restore.put("rollbackBeforeFailure", r.rollbackBeforeFailure());
            restore.put("medianSeconds", seconds(r.median()));
            try {
                return MAPPER.writeValueAsString(root) + "\n";
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Double seconds(Duration d) {
            return d == null ? null : d.toMillis() / 1000.0;
        }
    }

    /**
     * Hand-written: a dozen gauges in the text format do not justify a client library (whose registries are global
     * state); Debian's promtool checks this output in the tests. Unknown figures are left out (absent series), never 0.
     */
    private static final class Prometheus {
        static String render(DoraMetrics m) {
            StringBuilder out = new StringBuilder();
            String env = "environment=\"" + escape(m.environment()) + "\"";
            DoraMetrics.DeploymentFrequency f = m.deploymentFrequency();
            DoraMetrics.LeadTime l = m.leadTimeForChanges();
            DoraMetrics.ChangeFailureRate c = m.changeFailureRate();
            DoraMetrics.TimeToRestore r = m.timeToRestore();
            gauge(out, "window_seconds", "Length of the window the DORA figures are computed over.", env,
                    m.window().length().toMillis() / 1000.0);
            gauge(out, "deployments", "Deployments (promotions; rollbacks are not deployments) in the window.", env,
                    f.deployments());
            gauge(out, "rollbacks", "Rollbacks in the window.", env, f.rollbacks());
            gauge(out, "deployment_frequency_per_day", "Deployments per day over the window.", env, f.perDay());
            gauge(out, "deployment_frequency_per_week", "Deployments per week over the window.", env, f.perWeek());
            gauge(out, "lead_time_measured_deployments",
                    "Deployments in the window whose lead time for changes was measured.", env, l.measured());
            gauge(out, "lead_time_missing_source_time_deployments",
                    "Deployments in the window without a source commit time, left out of the lead time.", env,
                    l.withoutSourceTime());
            gauge(out, "lead_time_median_seconds", "Median lead time for changes, source commit to deployment.", env,
                    seconds(l.median()));
            gauge(out, "lead_time_p90_seconds", "90th percentile (nearest rank) of the lead time for changes.", env,
                    seconds(l.p90()));
            gauge(out, "failed_deployments", "Deployments in the window that a rollback names.", env, c.failed());
            gauge(out, "change_failure_ratio", "Failed deployments over deployments in the window (0 to 1).", env,
                    c.rate());
            gauge(out, "time_to_restore_median_seconds",
                    "Median time from a failed deployment to the rollback that replaced it.", env, seconds(r.median()));
            gauge(out, "restores", "Failed deployments of the window measured for time to restore.", env,
                    r.restores());
            if (f.level() != null || l.level() != null) {
                String name = "secure_delivery_dora_performance_level";
                out.append("# HELP ").append(name)
                        .append(" DORA 2023/2024 performance level of a figure: 1 for the level reached.\n");
                out.append("# TYPE ").append(name).append(" gauge\n");
                if (f.level() != null) {
                    level(out, name, env, "deployment_frequency", f.level());
                }
                if (l.level() != null) {
                    level(out, name, env, "lead_time_for_changes", l.level());
                }
            }
            return out.toString();
        }

        private static void level(StringBuilder out, String name, String env, String figure, PerformanceLevel level) {
            out.append(name).append('{').append(env).append(",figure=\"").append(figure).append("\",level=\"")
                    .append(level.label()).append("\"} 1\n");
        }

        private static void gauge(StringBuilder out, String suffix, String help, String labels, Number value) {
            if (value == null) {
                return;
            }
            String name = "secure_delivery_dora_" + suffix;
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(" gauge\n");
            out.append(name).append('{').append(labels).append("} ").append(sample(value)).append('\n');
        }

        private static String sample(Number value) {
            if (value instanceof Integer || value instanceof Long) {
                return value.toString();
            }
            return Double.toString(value.doubleValue());
        }

        private static Double seconds(Duration d) {
            return d == null ? null : d.toMillis() / 1000.0;
        }

        /** Label values escape backslash, double quote and line feed (exposition format 0.0.4). */
        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }
    }

    static String number(double value) {
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }
}
