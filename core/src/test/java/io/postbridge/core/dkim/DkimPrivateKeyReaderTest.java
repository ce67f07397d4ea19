package io.postbridge.core.dkim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.postbridge.core.testing.ExternalTools;

class DkimPrivateKeyReaderTest {
    @Test
    void readsPkcs8AndPkcs1RsaAndPkcs8Ed25519() throws Exception {
        assertThat(DkimPrivateKeyReader.read(TestKeys.pem("TEST-ONLY-rsa2048.pkcs8.pem")).algorithm())
            .isEqualTo(DkimAlgorithm.RSA_SHA256);
        DkimPrivateKey pkcs1 = DkimPrivateKeyReader.read(TestKeys.pem("TEST-ONLY-rsa2048.pkcs1.pem"));
        assertThat(pkcs1.algorithm()).isEqualTo(DkimAlgorithm.RSA_SHA256);
        assertThat(pkcs1.bits()).isEqualTo(2048);
        assertThat(DkimPrivateKeyReader.read(TestKeys.pem("TEST-ONLY-ed25519.pem")).algorithm())
            .isEqualTo(DkimAlgorithm.ED25519_SHA256);
    }

    @Test
    void derivesTheSamePublicKeysAsTheSharedFixturesIncludingDkimpysBareEd25519Seed() throws Exception {
        Path fixtures = ExternalDkimVerifiers.toolDirectory().resolve("fixtures");
        ExternalTools.require(Files.isDirectory(fixtures), "no shared DKIM fixtures at " + fixtures);
        String published = Files.readString(fixtures.resolve("keys.txt"));

        DkimPrivateKey rsa = DkimPrivateKeyReader.read(fixtures.resolve("TEST-ONLY-rsa2048.key"));
        DkimPrivateKey seed = DkimPrivateKeyReader.read(fixtures.resolve("TEST-ONLY-ed25519.key"));
        DkimPrivateKey pkcs8 = DkimPrivateKeyReader.read(fixtures.resolve("TEST-ONLY-ed25519.pkcs8.pem"));

        assertThat(published).contains("p=" + rsa.publicKeyBase64()).contains("p=" + seed.publicKeyBase64());
        assertThat(pkcs8.publicKeyBase64()).isEqualTo(seed.publicKeyBase64());
    }

    @Test
    void refusesRsaKeysBelow1024BitsAsRfc8301Requires() throws Exception {
        assertThatThrownBy(() -> DkimPrivateKeyReader.read(TestKeys.pem("TEST-ONLY-rsa512-too-weak.pem")))
            .isInstanceOf(DkimKeyException.class)
            .hasMessageContaining("512 bits").hasMessageContaining("RFC 8301");
        assertThat(DkimPrivateKeyReader.read(TestKeys.pem("TEST-ONLY-rsa1024.pem")).bits()).isEqualTo(1024);
    }

    @Test
    void refusesOtherKeyTypesAndGarbageWithAClearReason() {
        assertThatThrownBy(() -> DkimPrivateKeyReader.read(TestKeys.pem("TEST-ONLY-ecdsa-unsupported.pem")))
            .hasMessageContaining("unsupported key algorithm");
        assertThatThrownBy(() -> DkimPrivateKeyReader.read("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"))
            .hasMessageContaining("encrypted");
        assertThatThrownBy(() -> DkimPrivateKeyReader.read("hello world"))
            .hasMessageContaining("not a PEM private key");
        assertThatThrownBy(() -> DkimPrivateKeyReader.read(""))
            .hasMessageContaining("empty");
    }

    @Test
    void rsaSha1IsRefusedAsAnAlgorithmName() {
        assertThatThrownBy(() -> DkimAlgorithm.parse("rsa-sha1")).hasMessageContaining("RFC 8301");
        assertThat(DkimAlgorithm.parse("ed25519")).isEqualTo(DkimAlgorithm.ED25519_SHA256);
    }

    @Test
    void pemOutputReadsBackToTheSameKey() throws Exception {
        DkimPrivateKey ed = TestKeys.key("TEST-ONLY-ed25519.pem");
        DkimPrivateKey rsa = TestKeys.key("TEST-ONLY-rsa2048.pkcs1.pem");

        assertThat(DkimPrivateKeyReader.read(DkimPrivateKeyReader.toPem(ed)).publicKeyBase64()).isEqualTo(ed.publicKeyBase64());
        assertThat(DkimPrivateKeyReader.read(DkimPrivateKeyReader.toPem(rsa)).publicKeyBase64()).isEqualTo(rsa.publicKeyBase64());
        assertThat(DkimPrivateKeyReader.toPem(ed)).isEqualTo(TestKeys.pem("TEST-ONLY-ed25519.pem"));
    }
}
