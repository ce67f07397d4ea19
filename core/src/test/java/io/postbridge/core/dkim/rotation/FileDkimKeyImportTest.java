package io.postbridge.core.dkim.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKey;

/** Managed keys that earlier versions kept as files move into the store once, at start-up. */
class FileDkimKeyImportTest {
    private static DkimPrivateKey rsa;
    private static DkimPrivateKey ed25519;

    @TempDir
    Path var;
    private final InMemoryDkimKeyRepository store = new InMemoryDkimKeyRepository();

    @BeforeAll
    static void keys() throws Exception {
        rsa = new DkimKeyGenerator().generate(DkimAlgorithm.RSA_SHA256);
        ed25519 = new DkimKeyGenerator().generate(DkimAlgorithm.ED25519_SHA256);
    }

    private static ManagedDkimKey key(String domain, String selector, DkimPrivateKey key) {
        return new ManagedDkimKey(domain, selector, key.algorithm(), key.pkcs8(), key.publicKeyBase64(),
            Instant.parse("2025-01-15T12:00:00Z"), Optional.of(Instant.parse("2025-01-17T12:00:00Z")),
            Optional.of(Instant.parse("2025-03-01T00:00:00Z")), true, Optional.of(Instant.parse("2025-01-16T00:00:00Z")),
            Optional.of(Instant.parse("2025-01-16T00:00:00Z")), Optional.empty());
    }

    private Path folder() {
        return var.resolve("postbridge/dkim");
    }

    @Test
    void everyKeyMovesIntoTheStoreAndTheFolderIsRenamedOnce() throws Exception {
        FileDkimKeyRepository files = new FileDkimKeyRepository(folder());
        files.save(key("example.com", "rsa1", rsa));
        files.save(key("example.com", "ed1", ed25519));
        files.save(key("example.org", "rsa1", rsa));

        FileDkimKeyImport.Result result = new FileDkimKeyImport(folder(), store).run();

        assertThat(result.imported()).isEqualTo(3);
        assertThat(result.conflicts()).isEmpty();
        assertThat(store.domains()).containsExactly("example.com", "example.org");
        ManagedDkimKey imported = store.find("example.com", "ed1").orElseThrow();
        assertThat(imported.privateKeyPkcs8()).isEqualTo(ed25519.pkcs8());
        assertThat(imported.activateAt()).contains(Instant.parse("2025-01-17T12:00:00Z"));
        assertThat(imported.retiredAt()).contains(Instant.parse("2025-03-01T00:00:00Z"));
        assertThat(imported.requireDnsMatch()).isTrue();
        assertThat(imported.dnsConfirmedAt()).contains(Instant.parse("2025-01-16T00:00:00Z"));
        assertThat(folder()).doesNotExist();
        assertThat(result.movedTo()).isEqualTo(var.resolve("postbridge/dkim.imported"));
        assertThat(result.movedTo().resolve("example.com/rsa1.properties")).exists();

        FileDkimKeyImport.Result again = new FileDkimKeyImport(folder(), store).run();
        assertThat(again.imported()).isZero();
        assertThat(again.movedTo()).isNull();
    }

    @Test
    void aRunInterruptedBeforeTheRenameFinishesOnTheNextStart() throws Exception {
        FileDkimKeyRepository files = new FileDkimKeyRepository(folder());
        files.save(key("example.com", "rsa1", rsa));
        files.save(key("example.com", "ed1", ed25519));
        // the first run had stored one key (and an operator retired it since) when the server died
        store.save(key("example.com", "rsa1", rsa).withRetiredAt(Instant.parse("2025-04-01T00:00:00Z")));

        FileDkimKeyImport.Result result = new FileDkimKeyImport(folder(), store).run();

        assertThat(result.imported()).isEqualTo(1);
        assertThat(result.alreadyStored()).isEqualTo(1);
        assertThat(store.find("example.com", "rsa1").orElseThrow().retiredAt())
            .as("the store's version is kept").contains(Instant.parse("2025-04-01T00:00:00Z"));
        assertThat(folder()).doesNotExist();
    }

    @Test
    void aSelectorTheStoreUsesForAnotherKeyIsNotOverwrittenAndTheFolderStays() throws Exception {
        new FileDkimKeyRepository(folder()).save(key("example.com", "sel", rsa));
        new FileDkimKeyRepository(folder()).save(key("example.com", "other", rsa));
        store.save(key("example.com", "sel", ed25519));

        FileDkimKeyImport.Result result = new FileDkimKeyImport(folder(), store).run();

        assertThat(result.conflicts()).containsExactly("example.com/sel");
        assertThat(result.imported()).isEqualTo(1);
        assertThat(store.find("example.com", "sel").orElseThrow().algorithm()).isEqualTo(DkimAlgorithm.ED25519_SHA256);
        assertThat(folder().resolve("example.com/sel.properties")).exists();
        assertThat(result.movedTo()).isNull();
    }

    @Test
    void anEmptyFolderOrNoFolderIsLeftAlone() throws Exception {
        assertThat(new FileDkimKeyImport(folder(), store).run().movedTo()).isNull();
        assertThat(folder()).doesNotExist();

        Files.createDirectories(folder().resolve("example.com"));
        assertThat(new FileDkimKeyImport(folder(), store).run().movedTo()).isNull();
        assertThat(folder()).isDirectory();
        assertThat(store.domains()).isEmpty();
    }

    @Test
    void aDamagedKeyFileStopsTheImportNamingTheFile() throws IOException {
        new FileDkimKeyRepository(folder()).save(key("example.com", "good", rsa));
        Files.writeString(folder().resolve("example.com/bad.properties"), "domain=example.com\nselector=bad\n");

        assertThatThrownBy(() -> new FileDkimKeyImport(folder(), store).run()).isInstanceOf(IOException.class)
            .hasMessageContaining("bad.properties").hasMessageContaining("repair or remove that file");
        assertThat(folder()).isDirectory();
    }
}
