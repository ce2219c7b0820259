package io.jenkins.plugins.securedelivery.evidence;

import java.nio.file.Path;
import java.util.Map;

/** A separate process appending to an audit log, for the test of appenders in several processes: LOG ACTOR COUNT. */
public final class AuditAppender {

    private AuditAppender() {}

    public static void main(String[] args) throws Exception {
        AuditLog log = new AuditLog(Path.of(args[0]));
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            log.append(args[1], "append", "entry " + i, Map.of("process", String.valueOf(ProcessHandle.current().pid())));
        }
    }
}
