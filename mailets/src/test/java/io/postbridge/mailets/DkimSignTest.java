package io.postbridge.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKeyReader;
import io.postbridge.core.dkim.keys.DkimKeyTableRegistry;
import io.postbridge.core.dkim.rotation.DkimRotationSettings;
import io.postbridge.core.dkim.rotation.InMemoryDkimKeyRepository;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;

/** The mailet's own job: reading its configuration, and what it does to a Mail. Signing quality: core tests. */
class DkimSignTest {
    @TempDir
    Path conf;
    private MemoryMailQueueFactory queues;
    private final DkimKeyTableRegistry registry = new DkimKeyTableRegistry();

    @BeforeEach
    void setUp() {
        queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
    }

    @Test
    void keysFromPemFilesRelativeToConfSignAndAreListedForWebAdmin() throws Exception {
        writeKey("dkim/ed.pem", DkimAlgorithm.ED25519_SHA256);
        DkimSign mailet = init(FakeMailetConfig.builder().mailetName("sign")
            .setProperty("key[@domain]", "example.com")
            .setProperty("key[@selector]", "ed1")
            .setProperty("key[@privateKey]", "dkim/ed.pem"));
        Mail mail = mail("alice@example.com");

        mailet.service(mail);

        assertThat(text(mail.getMessage())).startsWith("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com;");
        assertThat(AttributeUtils.getValueAndCastFromMail(mail, DkimSign.RESULT, String.class)).contains("signed d=example.com s=ed1");
        assertThat(registry.tables()).containsKey("sign");
    }

    @Test
    void mailOfOtherDomainsIsLeftAlone() throws Exception {
        writeKey("dkim/ed.pem", DkimAlgorithm.ED25519_SHA256);
        DkimSign mailet = init(keyFor("example.com", "dkim/ed.pem"));
        Mail mail = mail("someone@elsewhere.test");
        String before = text(mail.getMessage());

        mailet.service(mail);

        assertThat(text(mail.getMessage())).isEqualTo(before);
        assertThat(AttributeUtils.getValueAndCastFromMail(mail, DkimSign.RESULT, String.class)).hasValueSatisfying(
            r -> assertThat(r).startsWith("not signed"));
    }

    @Test
    void holdPutsTheMailBackInTheSpoolForTheSameProcessorAfterTheDelay() throws Exception {
        DkimSign mailet = init(keyFor("example.com", "dkim/missing.pem")
            .setProperty("whenKeyMissing", "hold").setProperty("holdDelay", "10m"));
        Mail mail = mail("alice@example.com");

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        ManageableMailQueue spool = (ManageableMailQueue) queues.getQueue(MailQueueFactory.SPOOL).orElseThrow();
        assertThat(spool.getSize()).isEqualTo(1);
        assertThat(AttributeUtils.getValueAndCastFromMail(mail, DkimSign.HELD_SINCE, Long.class)).isPresent();
        assertThat(AttributeUtils.getValueAndCastFromMail(mail, DkimSign.RESULT, String.class))
            .hasValueSatisfying(r -> assertThat(r).startsWith("held: ").contains("does not exist"));
    }

    @Test
    void mailHeldLongerThanMaxHoldGoesToTheConfiguredProcessor() throws Exception {
        DkimSign mailet = init(keyFor("example.com", "dkim/missing.pem")
            .setProperty("domainPolicy[@domain]", "example.com").setProperty("domainPolicy[@whenKeyMissing]", "hold")
            .setProperty("maxHold", "1d").setProperty("holdExpiredProcessor", "dkim-failed"));
        Mail mail = mail("alice@example.com");
        mail.setAttribute(new Attribute(DkimSign.HELD_SINCE,
            AttributeValue.of(Instant.now().minus(Duration.ofDays(2)).toEpochMilli())));

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo("dkim-failed");
        assertThat(mail.getErrorMessage()).contains("no usable DKIM key for example.com");
        assertThat(mailet.requiredProcessingState()).extracting(s -> s.getValue()).containsExactly("dkim-failed");
    }

    @Test
    void sendUnsignedIsTheDefault() throws Exception {
        DkimSign mailet = init(keyFor("example.com", "dkim/missing.pem"));
        Mail mail = mail("alice@example.com");

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo("relay");
        assertThat(text(mail.getMessage())).doesNotContain("DKIM-Signature");
        assertThat(AttributeUtils.getValueAndCastFromMail(mail, DkimSign.RESULT, String.class))
            .hasValueSatisfying(r -> assertThat(r).startsWith("unsigned: "));
    }

    @Test
    void configurationMistakesAreOneLineSettingProblems() throws Exception {
        writeKey("dkim/ok.pem", DkimAlgorithm.RSA_SHA256);
        Files.writeString(conf.resolve("dkim/weak.pem"), weakKey());

        assertProblem(FakeMailetConfig.builder().setProperty("key[@domain]", "example.com").setProperty("key[@selector]", "s"),
            "<key>: every <key> needs the three attributes domain, selector and privateKey");
        assertProblem(keyFor("example.com", "dkim/weak.pem"), "<key>: example.com selector s: key file");
        assertProblem(keyFor("example.com", "dkim/weak.pem"), "RFC 8301");
        assertProblem(keyFor("example.com", "dkim/ok.pem").setProperty("canonicalization", "fancy/relaxed"),
            "<canonicalization>: 'fancy/relaxed' is not header/body canonicalization");
        assertProblem(keyFor("example.com", "dkim/ok.pem").setProperty("whenKeyMissing", "maybe"),
            "<whenKeyMissing>: 'maybe' is not send-unsigned or hold");
        assertProblem(keyFor("example.com", "dkim/ok.pem").setProperty("privateKeyFilepath", "x"),
            "<privateKeyFilepath>: unknown parameter");
        assertProblem(keyFor("*example.com", "dkim/ok.pem"), "a wildcard is only allowed as '*.domain'");
        assertProblem(keyFor("example.com", "dkim/ok.pem").setProperty("signedHeaders", "subject:to"),
            "<signedHeaders>: the signed header list must contain 'from'");
        assertProblem(keyFor("example.com", "dkim/ok.pem").setProperty("holdDelay", "soon"), "<holdDelay>: must be a duration like 30s");
        assertProblem(FakeMailetConfig.builder().setProperty("managedKeys", "false"), "nothing could ever sign");
    }

    private void assertProblem(FakeMailetConfig.Builder config, String expected) {
        assertThatThrownBy(() -> init(config))
            .isInstanceOf(MessagingException.class)
            .hasMessageStartingWith("mailetcontainer.xml: setting mailet DkimSign <")
            .hasMessageContaining(expected);
    }

    private DkimSign init(FakeMailetConfig.Builder config) throws MessagingException {
        ManagedDkimKeys managed = new ManagedDkimKeys(new InMemoryDkimKeyRepository(), new DkimKeyGenerator(),
            name -> List.of(), Runnable::run, DkimRotationSettings.defaults(), Clock.systemUTC());
        DkimSign mailet = new DkimSign(new ConfFileSystem(conf), managed, registry, queues);
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMailetConfig.Builder keyFor(String domain, String file) {
        return FakeMailetConfig.builder().mailetName("sign").setProperty("key[@domain]", domain)
            .setProperty("key[@selector]", "s").setProperty("key[@privateKey]", file);
    }

    private void writeKey(String path, DkimAlgorithm algorithm) throws Exception {
        Path file = conf.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, DkimPrivateKeyReader.toPem(new DkimKeyGenerator().generate(algorithm)));
    }

    private static String weakKey() {
        // a 512-bit RSA key (TEST-ONLY), which RFC 8301 forbids
        return "-----BEGIN RSA PRIVATE KEY-----\n"
            + "MIIBOgIBAAJBAOiFEOKnZDk2/atqAEz4A6h0YEuREdA38BLMJc3Sz0wL+3ZqeYOm\n"
            + "a1NKwXI0xqmU2CAPT8g59IGLxcukZYs4uYkCAwEAAQJAIaYAB4zJyC3ZD9FLMdhC\n"
            + "T0JoHQdlWIh/yXiZj+uN7CcZInOucWVeLjqZto6Xv2lf0xlnW/1jEg+PcUhD6vxs\n"
            + "8QIhAPa6zOC9Zs7ofKvof10EE+eMVeJl6edZ9XF0EVxS/enfAiEA8UGWA76yEnDU\n"
            + "kGDHfVnkudKjcVdjMAtV8B84obIDGZcCIQDJA7P7vhPOqxc3r7pke/gDhBBM3Z9N\n"
            + "v7r6bgfe4jbAnQIgbYjkjmC3Qq4dpEt8Z0o4EbIz6NLPQtHyu6nBMZC73ZMCIFgm\n"
            + "ZXxY3ihbAYTv4Gi1NGl1R0RFxIjwszMd6qenR4Rv\n"
            + "-----END RSA PRIVATE KEY-----\n";
    }

    private static Mail mail(String from) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(
            ("From: " + from + "\r\nTo: bob@example.net\r\nSubject: hi\r\nDate: Wed, 15 Jan 2025 12:00:00 +0000\r\n"
                + "Message-ID: <m1@example.com>\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder().name("m1").mimeMessage(message).sender(from).recipient("bob@example.net")
            .state("relay").build();
    }

    private static String text(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** James's FileSystem over a folder standing for conf/ (file://conf/x is that folder's x). */
    private static final class ConfFileSystem implements FileSystem {
        private final Path conf;

        ConfFileSystem(Path conf) {
            this.conf = conf;
        }

        @Override
        public InputStream getResource(String url) throws java.io.IOException {
            return new FileInputStream(getFile(url));
        }

        @Override
        public File getFile(String url) {
            return conf.resolve(url.replace(FILE_PROTOCOL_AND_CONF, "")).toFile();
        }

        @Override
        public File getBasedir() {
            return conf.toFile();
        }
    }
}
