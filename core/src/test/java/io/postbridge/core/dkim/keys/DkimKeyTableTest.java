package io.postbridge.core.dkim.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.MutableClock;
import io.postbridge.core.dkim.TestKeys;

class DkimKeyTableTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-15T12:00:00Z"));

    @Test
    void exactDomainsGetAllTheirKeysAndSubdomainsTheNearestWildcardSignedAsTheParent() throws Exception {
        Path rsa = write("rsa.pem", TestKeys.pem("TEST-ONLY-rsa2048.pkcs8.pem"));
        Path ed = write("ed.pem", TestKeys.pem("TEST-ONLY-ed25519.pem"));
        DkimKeyTable table = table(
            new DkimKeyTable.Entry(DomainPattern.parse("example.com"), "rsa1", rsa),
            new DkimKeyTable.Entry(DomainPattern.parse("example.com"), "ed1", ed),
            new DkimKeyTable.Entry(DomainPattern.parse("*.example.com"), "sub", rsa),
            new DkimKeyTable.Entry(DomainPattern.parse("*.eu.example.com"), "eu", ed));

        assertThat(table.lookup("example.com").keys()).extracting(DkimSigningKey::selector).containsExactly("rsa1", "ed1");
        assertThat(table.lookup("example.com").keys()).extracting(DkimSigningKey::algorithm)
            .containsExactly(DkimAlgorithm.RSA_SHA256, DkimAlgorithm.ED25519_SHA256);
        assertThat(table.lookup("news.example.com").keys()).singleElement()
            .satisfies(k -> assertThat(k.domain() + " " + k.selector()).isEqualTo("example.com sub"));
        assertThat(table.lookup("shop.eu.example.com").keys()).singleElement()
            .satisfies(k -> assertThat(k.domain() + " " + k.selector()).isEqualTo("eu.example.com eu"));
        assertThat(table.lookup("example.net").outcome()).isEqualTo(KeyLookup.Outcome.NOT_CONFIGURED);
    }

    @Test
    void aMissingKeyFileMakesTheDomainUnavailableUntilTheFileAppears() throws Exception {
        Path later = dir.resolve("later.pem");
        DkimKeyTable table = table(new DkimKeyTable.Entry(DomainPattern.parse("example.com"), "s", later));

        KeyLookup missing = table.lookup("example.com");
        assertThat(missing.outcome()).isEqualTo(KeyLookup.Outcome.UNAVAILABLE);
        assertThat(missing.problemSummary()).hasValueSatisfying(p -> assertThat(p).contains("does not exist"));
        assertThat(table.missingKeys()).hasSize(1);

        Files.writeString(later, TestKeys.pem("TEST-ONLY-ed25519.pem"));
        assertThat(table.lookup("example.com").outcome()).as("not re-read before the interval")
            .isEqualTo(KeyLookup.Outcome.UNAVAILABLE);
        clock.advance(Duration.ofMinutes(1));
        assertThat(table.lookup("example.com").outcome()).isEqualTo(KeyLookup.Outcome.FOUND);
    }

    @Test
    void aWeakOrBrokenKeyIsReportedAsInvalid() throws Exception {
        DkimKeyTable table = table(
            new DkimKeyTable.Entry(DomainPattern.parse("example.com"), "weak", write("weak.pem", TestKeys.pem("TEST-ONLY-rsa512-too-weak.pem"))),
            new DkimKeyTable.Entry(DomainPattern.parse("example.com"), "ok", write("ok.pem", TestKeys.pem("TEST-ONLY-rsa1024.pem"))));

        assertThat(table.invalidKeys()).singleElement().satisfies(p -> assertThat(p).contains("weak").contains("RFC 8301"));
        KeyLookup lookup = table.lookup("example.com");
        assertThat(lookup.keys()).extracting(DkimSigningKey::selector).containsExactly("ok");
        assertThat(lookup.problems()).singleElement().satisfies(p -> assertThat(p).contains("512 bits"));
    }

    @Test
    void aKeyReplacedByABrokenFileKeepsSigningWithTheOldKey() throws Exception {
        Path file = write("k.pem", TestKeys.pem("TEST-ONLY-ed25519.pem"));
        DkimKeyTable table = table(new DkimKeyTable.Entry(DomainPattern.parse("example.com"), "s", file));
        Files.writeString(file, "garbage");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(Instant.parse("2030-01-01T00:00:00Z")));
        clock.advance(Duration.ofMinutes(2));

        KeyLookup lookup = table.lookup("example.com");

        assertThat(lookup.outcome()).isEqualTo(KeyLookup.Outcome.FOUND);
        assertThat(lookup.problemSummary()).hasValueSatisfying(p -> assertThat(p).contains("not a PEM private key"));
    }

    private DkimKeyTable table(DkimKeyTable.Entry... entries) {
        return new DkimKeyTable(List.of(entries), clock, Duration.ofMinutes(1));
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }
}
