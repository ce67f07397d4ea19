package io.postbridge.core.dkim;


import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the three independent DKIM verifiers of {@code ../shared/tools/dkim-verify/verify-all.sh} (dkimpy, OpenDKIM,
 * Mail::DKIM; keys from a file, no DNS) as a process. Tests that need them are skipped, with the reason, only when the
 * tools are not installed. CI installs them:
 * {@code apt-get install -y python3-dkim python3-nacl libmail-dkim-perl libcryptx-perl opendkim}.
 */
public final class ExternalDkimVerifiers {
    public static final String APT_LINE =
        "apt-get install -y python3-dkim python3-nacl libmail-dkim-perl libcryptx-perl opendkim";

    private static final Pattern DKIMPY_FAIL = Pattern.compile("(?m)^dkimpy sig=\\d+ .* result=fail$");
    private static final Pattern OPENDKIM_VERDICT = Pattern.compile("(?m)^opendkim signatures=(\\d+) pass=(\\d+)$");
    private static final Pattern MAIL_DKIM_RSA_FAIL = Pattern.compile("(?m)^mail-dkim sig=\\d+ .* a=rsa-sha256 result=fail\\b");

    public static final class Verdict {
        public final int exitCode;
        public final String output;

        Verdict(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        public boolean passed() {
            return exitCode == 0;
        }

        /**
         * A real "the signature does not verify": each of the three verifiers ran to its verdict and failed at least
         * one signature. A crash, a missing tool or a message no verifier could read (no verdict lines) is not a
         * rejection, so a negative check must use this, not {@code !passed()}.
         */
        public boolean rejected() {
            Matcher opendkim = OPENDKIM_VERDICT.matcher(output);
            return exitCode == 1 && output.contains("verify-all: FAIL") && !output.contains("Traceback")
                && DKIMPY_FAIL.matcher(output).find()
                && opendkim.find() && Integer.parseInt(opendkim.group(1)) > 0
                && Integer.parseInt(opendkim.group(2)) < Integer.parseInt(opendkim.group(1))
                && MAIL_DKIM_RSA_FAIL.matcher(output).find();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n" + output;
        }
    }

    private static volatile String missing;
    private static volatile boolean probed;

    private ExternalDkimVerifiers() {
    }

    /** The directory holding verify-all.sh: system property {@code postbridge.dkim.verify.dir}, else ../shared/... */
    public static Path toolDirectory() {
        String configured = System.getProperty("postbridge.dkim.verify.dir");
        if (configured != null && !configured.isEmpty()) {
            return Paths.get(configured);
        }
        return Paths.get("").toAbsolutePath().resolve("../../shared/tools/dkim-verify").normalize();
    }

    /** Skips the calling test (JUnit assumption) unless all three verifiers can run here. */
    public static void assumeInstalled() {
        String problem = probe();
        io.postbridge.core.testing.ExternalTools.require(problem == null, "DKIM verifiers not available (" + problem
            + "); install them with: " + APT_LINE + " (and set -Dpostbridge.dkim.verify.dir if ../shared/tools/dkim-verify is elsewhere)");
    }

    private static synchronized String probe() {
        if (!probed) {
            missing = findMissing();
            probed = true;
        }
        return missing;
    }

    private static String findMissing() {
        Path dir = toolDirectory();
        if (!Files.isRegularFile(dir.resolve("verify-all.sh"))) {
            return "no verify-all.sh in " + dir;
        }
        if (run(List.of("/usr/bin/python3", "-c", "import dkim, nacl")).exitCode != 0) {
            return "dkimpy/pynacl missing (python3-dkim python3-nacl)";
        }
        if (run(List.of("perl", "-MMail::DKIM::Verifier", "-e", "1")).exitCode != 0) {
            return "Mail::DKIM missing (libmail-dkim-perl libcryptx-perl)";
        }
        if (run(List.of("sh", "-c", "command -v opendkim")).exitCode != 0) {
            return "opendkim missing";
        }
        return null;
    }

    /** verify-all.sh KEYS MSG: exit 0 only when every signature passes every verifier that supports its algorithm. */
    public static Verdict verifyAll(Path keys, Path message) {
        return run(List.of("sh", toolDirectory().resolve("verify-all.sh").toString(), keys.toString(), message.toString()));
    }

    public static Verdict verifyAll(Path keys, byte[] message, Path workDir) throws IOException {
        Path file = Files.createTempFile(workDir, "signed-", ".eml");
        Files.write(file, message);
        return verifyAll(keys, file);
    }

    private static Verdict run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Verdict(-1, "timed out: " + command);
            }
            return new Verdict(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Verdict(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict(-1, e.toString());
        }
    }
}
