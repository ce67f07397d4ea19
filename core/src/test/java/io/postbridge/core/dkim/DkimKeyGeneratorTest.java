package io.postbridge.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimKeyGeneratorTest {
    private final DkimKeyGenerator generator = new DkimKeyGenerator();

    @Test
    void generatedKeysSignMailThatVerifiesAgainstThePrintedDnsRecords(@TempDir Path dir) throws Exception {
        ExternalDkimVerifiers.assumeInstalled();
        DkimSigningKey rsa = new DkimSigningKey("mail.example.org", "gen-rsa", generator.generate(DkimAlgorithm.RSA_SHA256));
        DkimSigningKey ed = new DkimSigningKey("mail.example.org", "gen-ed", generator.generate(DkimAlgorithm.ED25519_SHA256));
        Path keys = dir.resolve("keys.txt");
        Files.write(keys, List.of(rsa.dnsRecord().keyFileLine(), ed.dnsRecord().keyFileLine()));

        byte[] signed = DkimSigner.withDefaults(Clock.systemUTC()).sign(DkimCorpus.read("21-nested-multipart.eml"), List.of(rsa, ed));

        ExternalDkimVerifiers.Verdict verdict = ExternalDkimVerifiers.verifyAll(keys, signed, dir);
        assertThat(verdict.passed()).as(verdict.toString()).isTrue();
        assertThat(verdict.output).contains("d=mail.example.org s=gen-ed a=ed25519-sha256 result=pass");
    }

    @Test
    void rsaIs2048BitsByDefaultAndRefusesWeakSizes() throws Exception {
        assertThat(generator.generate(DkimAlgorithm.RSA_SHA256).bits()).isEqualTo(2048);
        assertThatThrownBy(() -> generator.generate(DkimAlgorithm.RSA_SHA256, 768)).hasMessageContaining("1024 to 4096");
    }

    @Test
    void dnsRecordsHaveTheRfcFormsAndSplitIntoDnsStrings() throws Exception {
        DkimDnsRecord rsa = DkimDnsRecord.of("s1", "example.com", generator.generate(DkimAlgorithm.RSA_SHA256));
        DkimDnsRecord ed = DkimDnsRecord.of("s2", "example.com", generator.generate(DkimAlgorithm.ED25519_SHA256));

        assertThat(rsa.name()).isEqualTo("s1._domainkey.example.com");
        assertThat(rsa.value()).startsWith("v=DKIM1; k=rsa; h=sha256; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA");
        assertThat(rsa.quotedStrings()).hasSize(2).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(257));
        assertThat(String.join("", rsa.quotedStrings()).replace("\"", "")).isEqualTo(rsa.value());
        assertThat(rsa.zoneFileLine()).startsWith("s1._domainkey.example.com. 3600 IN TXT ( \"v=DKIM1; k=rsa;");
        // RFC 8463: the raw 32-byte public key, base64 (44 characters), no SubjectPublicKeyInfo wrapper
        assertThat(ed.value()).matches("v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=");
    }
}
