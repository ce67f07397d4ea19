package io.postbridge.core.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The TEST-ONLY keys in src/test/resources/dkim-keys, and a verifier key file for them. */
public final class TestKeys {
    public static final String DOMAIN = "example.com";

    private TestKeys() {
    }

    public static String pem(String name) {
        try (InputStream in = TestKeys.class.getResourceAsStream("/dkim-keys/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test key " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DkimPrivateKey key(String name) {
        try {
            return DkimPrivateKeyReader.read(pem(name));
        } catch (DkimKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    public static DkimSigningKey rsa() {
        return new DkimSigningKey(DOMAIN, "pb-rsa", key("TEST-ONLY-rsa2048.pkcs8.pem"));
    }

    public static DkimSigningKey rsaPkcs1() {
        return new DkimSigningKey(DOMAIN, "pb-rsa1", key("TEST-ONLY-rsa2048.pkcs1.pem"));
    }

    public static DkimSigningKey ed25519() {
        return new DkimSigningKey(DOMAIN, "pb-ed", key("TEST-ONLY-ed25519.pem"));
    }

    /** A verifier key file with our test keys plus the shared fixture keys (the corpus has a message they signed). */
    public static Path keyFile(Path dir, DkimSigningKey... keys) throws IOException {
        List<String> lines = new ArrayList<>();
        for (DkimSigningKey key : keys) {
            lines.add(key.dnsRecord().keyFileLine());
        }
        Path shared = ExternalDkimVerifiers.toolDirectory().resolve("fixtures/keys.txt");
        if (Files.isRegularFile(shared)) {
            lines.addAll(Files.readAllLines(shared));
        }
        Path file = dir.resolve("keys.txt");
        Files.write(file, lines);
        return file;
    }
}
