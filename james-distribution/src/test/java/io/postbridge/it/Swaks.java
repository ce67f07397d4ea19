package io.postbridge.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * swaks (Debian package {@code swaks}), the Swiss Army Knife for SMTP: an independent client, so the tests do not
 * only agree with our own Java client. Exit codes: 0 ok, 23 MAIL refused, 24 RCPT refused, 25 DATA refused,
 * 28 AUTH failed.
 */
public final class Swaks {
    private Swaks() {
    }

    public static final class Result {
        public final int exitCode;
        public final String transcript;

        Result(int exitCode, String transcript) {
            this.exitCode = exitCode;
            this.transcript = transcript;
        }

        @Override
        public String toString() {
            return "swaks exit " + exitCode + ":\n" + transcript;
        }
    }

    public static Result run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("swaks did not finish within 60 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String binary() {
        for (String candidate : List.of("/usr/bin/swaks", "/usr/local/bin/swaks")) {
            if (new java.io.File(candidate).canExecute()) {
                return candidate;
            }
        }
        io.postbridge.core.testing.ExternalTools.require(false,
            "swaks is not installed: apt-get install -y swaks (it is the independent SMTP client of these tests)");
        throw new IllegalStateException("unreachable");
    }
}
