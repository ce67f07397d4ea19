package io.postbridge.core.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that check Postbridge against independent programs (DKIM verifiers, Mail::SRS, postsrsd, swaks) need
 * Debian packages a developer may not have. Where they are missing the test is skipped with the install line;
 * CI sets {@code -Dpostbridge.test.requireTools=true}, which turns a missing tool into a failure, so a green
 * CI run always means the independent checks ran.
 */
public final class ExternalTools {
    public static final String REQUIRE_PROPERTY = "postbridge.test.requireTools";

    private ExternalTools() {
    }

    public static void require(boolean available, String whatIsMissing) {
        if (available) {
            return;
        }
        if (Boolean.getBoolean(REQUIRE_PROPERTY)) {
            throw new AssertionError(whatIsMissing + " (required because -D" + REQUIRE_PROPERTY + "=true)");
        }
        Assumptions.assumeTrue(false, whatIsMissing);
    }
}
