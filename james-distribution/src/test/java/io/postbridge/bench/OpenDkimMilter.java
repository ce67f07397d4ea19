package io.postbridge.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

import io.postbridge.it.FakeMx;

/**
 * Debian's {@code opendkim} ({@code apt-get install opendkim}) as a signing milter for the benchmark's private
 * Postfix: in the foreground ({@code -f}) with its own configuration file, KeyTable and SigningTable under {@code dir},
 * listening on a free loopback port. One instance signs with one algorithm: OpenDKIM 2.11.0~beta2 (Debian 12) takes the
 * algorithm from {@code SignatureAlgorithm} for the whole process (an Ed25519 KeyTable entry under the default
 * rsa-sha256 fails with "EVP_PKEY_get1_RSA() failed"), so dual signing is two instances, both in {@code smtpd_milters}.
 */
final class OpenDkimMilter implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/opendkim");

    private final Process process;
    private final int port;
    private final Path log;

    private OpenDkimMilter(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Signs mail from {@code *@domain} with {@code privateKey} (PEM) as {@code d=domain s=selector}, a=algorithm. */
    static OpenDkimMilter start(Path dir, String algorithm, String domain, String selector, Path privateKey) throws Exception {
        Files.createDirectories(dir);
        Path key = dir.resolve(selector + ".pem");
        Files.copy(privateKey, key, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        String keyName = selector + "._domainkey." + domain;
        Files.writeString(dir.resolve("KeyTable"), keyName + " " + domain + ":" + selector + ":" + key + "\n");
        Files.writeString(dir.resolve("SigningTable"), "*@" + domain + " " + keyName + "\n");
        int port = FakeMx.freePort();
        Path conf = dir.resolve("opendkim.conf");
        Files.writeString(conf, String.join("\n",
            "Mode s",
            "Socket inet:" + port + "@127.0.0.1",
            "KeyTable file:" + dir.resolve("KeyTable"),
            "SigningTable refile:" + dir.resolve("SigningTable"),
            "SignatureAlgorithm " + algorithm,
            "Canonicalization relaxed/relaxed",
            // the key lies under the test's temporary directory, in the world-writable /tmp: not "safe" to OpenDKIM
            "RequireSafeKeys no",
            "Syslog no",
            ""));
        Path log = dir.resolve("opendkim.log");
        Process process = new ProcessBuilder(BINARY.toString(), "-f", "-x", conf.toString())
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OpenDkimMilter milter = new OpenDkimMilter(process, port, log);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("opendkim exited (" + process.exitValue() + "): " + Files.readString(log));
                }
                return listening(port);
            });
        } catch (RuntimeException e) {
            milter.close();
            throw e;
        }
        return milter;
    }

    /** For Postfix's {@code smtpd_milters}. */
    String socket() {
        return "inet:127.0.0.1:" + port;
    }

    /** Whether something accepts connections on loopback {@code port}. */
    static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "opendkim on " + socket() + ", log " + log;
    }
}
