package io.postbridge.core.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.testing.ExternalTools;

/**
 * The parser against Sisimai 4 (Debian libsisimai-perl, through tools/bounce/sisimai-truth.sh) on the in-repository
 * corpus. Prints the agreement on recipient, hard/soft and reason; the only disagreements allowed are the ones
 * Postbridge makes on purpose (a 5.1.1 whose text says rate limit is soft toomanyconn, not a dead address).
 */
class SisimaiAgreementTest {
    private static final Path TRUTH_SCRIPT = Paths.get("..", "tools", "bounce", "sisimai-truth.sh");

    @Test
    void agreesWithSisimaiOnTheCorpus(@TempDir Path tmp) throws Exception {
        ExternalTools.require(sisimaiInstalled(), "Sisimai is not installed: apt-get install -y libsisimai-perl");
        Path truth = tmp.resolve("truth.jsonl");
        Process p = new ProcessBuilder("sh", TRUTH_SCRIPT.toString(), BounceCorpusTest.corpus().toString(), truth.toString())
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        SisimaiAgreement agreement = SisimaiAgreement.compare(truth, Paths.get("."));
        System.out.println("Sisimai agreement on bounce-corpus: " + agreement.summary());
        agreement.differences.forEach(d -> System.out.println("  " + d));

        assertThat(agreement.onlySisimai).as("messages Sisimai reads and Postbridge does not").isZero();
        assertThat(agreement.onlyUs).as("messages Postbridge reads and Sisimai does not").isZero();
        assertThat(agreement.sameRecipient).isEqualTo(agreement.bothParsed);
        assertThat(agreement.differences).allMatch(d -> d.contains("ratelimit-as-511"),
            "only the rate-limit-as-5.1.1 messages differ, on purpose");
    }

    private static boolean sisimaiInstalled() throws IOException, InterruptedException {
        if (!Files.isRegularFile(TRUTH_SCRIPT)) {
            return false;
        }
        Process p = new ProcessBuilder("perl", "-MSisimai", "-e", "1").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
