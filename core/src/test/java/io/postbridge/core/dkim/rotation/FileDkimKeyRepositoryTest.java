package io.postbridge.core.dkim.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKey;
import io.postbridge.core.dkim.DkimPrivateKeyReader;

class FileDkimKeyRepositoryTest {
    @Test
    void keysSurviveARestartAndArePrivateFiles(@TempDir Path dir) throws Exception {
        DkimPrivateKey generated = new DkimKeyGenerator().generate(DkimAlgorithm.ED25519_SHA256);
        ManagedDkimKey key = new ManagedDkimKey("example.org", "ed1", DkimAlgorithm.ED25519_SHA256, generated.pkcs8(),
            generated.publicKeyBase64(), Instant.parse("2025-01-15T12:00:00Z"), Optional.of(Instant.parse("2025-01-17T12:00:00Z")),
            Optional.empty(), true, Optional.empty(), Optional.of(Instant.parse("2025-01-16T00:00:00Z")),
            Optional.of("no TXT record"));
        Path store = dir.resolve("dkim");
        new FileDkimKeyRepository(store).save(key);

        FileDkimKeyRepository reopened = new FileDkimKeyRepository(store);
        ManagedDkimKey read = reopened.find("example.org", "ed1").orElseThrow();

        assertThat(DkimPrivateKeyReader.pkcs8(read.privateKeyPkcs8()).publicKeyBase64()).isEqualTo(generated.publicKeyBase64());
        assertThat(read.activateAt()).isEqualTo(key.activateAt());
        assertThat(read.requireDnsMatch()).isTrue();
        assertThat(read.dnsProblem()).contains("no TXT record");
        assertThat(reopened.domains()).containsExactly("example.org");
        Path file = store.resolve("example.org/ed1.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store))).isEqualTo("rwx------");

        assertThat(reopened.delete("example.org", "ed1")).isTrue();
        assertThat(reopened.find("example.org", "ed1")).isEmpty();
        assertThat(reopened.domains()).isEmpty();
    }
}
