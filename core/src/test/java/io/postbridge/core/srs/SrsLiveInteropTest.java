package io.postbridge.core.srs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.postbridge.core.signing.SignedAddressException;

/**
 * Postbridge's SRS against the reference implementations themselves, live: runs {@code tools/srs-interop.sh}
 * (Mail::SRS and postsrsd on the published vectors) and then compares the Java codec with Mail::SRS's {@code srs}
 * command on a few hundred generated senders, in both directions.
 *
 * <p>Needs the Debian packages {@code srs postsrsd faketime} ({@code apt-get install -y srs postsrsd faketime});
 * without them the test is skipped (reported as such), and the vectors are still checked by
 * {@link SrsInteropScriptVectorsTest}.
 */
class SrsLiveInteropTest {
    private static final Path SRS = Path.of("/usr/bin/srs");
    private static final Path POSTSRSD = Path.of("/usr/sbin/postsrsd");
    private static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    private static final String CLOCK = "2025-01-15 12:00:00";
    private static final String SECRET = "s3cr3t";
    private static final String ALIAS = "fwd.example.net";

    @BeforeAll
    static void referencesInstalled() {
        io.postbridge.core.testing.ExternalTools.require(Files.isExecutable(SRS) && Files.isExecutable(POSTSRSD) && Files.exists(FAKETIME),
            "Debian packages srs, postsrsd and faketime are not installed: apt-get install -y srs postsrsd faketime");
    }

    @Test
    void interopScriptPassesAgainstMailSrsAndPostsrsd() throws Exception {
        Result result = run(List.of("bash", SrsInteropScriptVectorsTest.SCRIPT.toString()), Map.of());
        assertThat(result.output).contains("0 failed").doesNotContain("MISMATCH");
        assertThat(result.exitCode).as(result.output).isZero();
    }

    @Test
    void forwardMatchesMailSrsOnGeneratedSenders() throws Exception {
        List<String> senders = generatedSenders(300);
        assertSameForward(senders, SrsSettings.builder().secret(SECRET).build(), List.of());
        assertSameForward(senders, SrsSettings.builder().secret(SECRET).separator('+').hashLength(6).build(),
            List.of("--separator=+", "--hashlength=6"));
        assertSameForward(senders, SrsSettings.builder().secret(SECRET).separator('-').hashLength(8).build(),
            List.of("--separator=-", "--hashlength=8"));
    }

    @Test
    void mailSrsReversesJavaAddressesAndJavaReversesMailSrsAddresses() throws Exception {
        SrsCodec codec = new SrsCodec(SrsSettings.builder().secret(SECRET).build(), SrsCodecTest.VECTOR_CLOCK);
        List<String> senders = generatedSenders(120);
        List<String> javaForwarded = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String sender : senders) {
            String forwarded = codec.forward(sender, ALIAS);
            if (!forwarded.equals(sender)) {
                javaForwarded.add(forwarded);
                expected.add(codec.reverse(forwarded));
            }
        }
        List<String> perlReversed = srs(javaForwarded, List.of("--reverse"));
        assertThat(perlReversed).isEqualTo(expected);

        List<String> perlForwarded = srs(senders, List.of());
        for (int i = 0; i < senders.size(); i++) {
            if (!perlForwarded.get(i).equals(senders.get(i))) {
                String once = codec.reverse(perlForwarded.get(i));
                assertThat(once).as(perlForwarded.get(i)).isEqualTo(expected(senders.get(i), codec));
            }
        }
    }

    /** SRS0 input reverses to the sender itself; SRS0/SRS1 input from another forwarder reverses to an SRS0. */
    private static String expected(String sender, SrsCodec codec) throws SignedAddressException {
        return codec.reverse(codec.forward(sender, ALIAS));
    }

    private static void assertSameForward(List<String> senders, SrsSettings settings, List<String> flags) throws Exception {
        SrsCodec codec = new SrsCodec(settings, SrsCodecTest.VECTOR_CLOCK);
        List<String> perl = srs(senders, flags);
        assertThat(perl).hasSize(senders.size());
        for (int i = 0; i < senders.size(); i++) {
            assertThat(codec.forward(senders.get(i), ALIAS)).as("forward %s %s", flags, senders.get(i))
                .isEqualTo(perl.get(i));
        }
    }

    /** Plain senders, other forwarders' SRS0 and SRS1 addresses, odd characters and mixed case; seeded. */
    static List<String> generatedSenders(int count) {
        Random random = new Random(20250115L);
        String localChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-=_";
        String[] domains = {"example.com", "Example.COM", "sub.example.org", "mail.b-c.example", "x.example",
            "fwd.example.net"};
        List<String> senders = new ArrayList<>();
        while (senders.size() < count) {
            int kind = random.nextInt(10);
            String local = randomString(random, localChars, 1 + random.nextInt(20))
                .replaceAll("^[.]+|[.]+$", "x").replace("..", ".x");
            String domain = domains[random.nextInt(domains.length)];
            if (kind == 0) {
                senders.add("SRS0=" + randomString(random, "AbCdEf0123+/", 4) + "=UH=" + domain + "=" + local
                    + "@other.example");
            } else if (kind == 1) {
                senders.add("SRS1=" + randomString(random, "AbCdEf0123", 4) + "=first.example==" + "XyZ1=UH=" + domain
                    + "=" + local + "@other.example");
            } else {
                senders.add(local + "@" + domain);
            }
        }
        return senders;
    }

    private static String randomString(Random random, String alphabet, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /** Mail::SRS's command line under a frozen clock, one output line per address. */
    private static List<String> srs(List<String> addresses, List<String> flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(SRS.toString(), "--secret=" + SECRET, "--alias=" + ALIAS));
        command.addAll(flags);
        command.add("--"); // local parts may start with '-'
        command.addAll(addresses);
        Result result = run(command, Map.of("LD_PRELOAD", FAKETIME.toString(), "FAKETIME", CLOCK, "TZ", "UTC"));
        assertThat(result.exitCode).as(result.output).isZero();
        return Arrays.asList(result.output.split("\n"));
    }

    private static Result run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command.get(0));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).trim());
    }

    private static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }
    }
}
