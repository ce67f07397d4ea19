package io.postbridge.core.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.settings.PostbridgeSettings;

/** The server-wide default relay of postbridge.properties ({@code smtp.relay.*}). */
class SmtpRelaySettingsTest {
    @TempDir
    Path dir;

    private SmtpRelaySettings read(Map<String, String> values) {
        return PostbridgeSettings.from(values, dir).smtpRelay();
    }

    private Path passwordFile(String content, String permissions) throws Exception {
        Path file = dir.resolve("conf/relay.password");
        Files.createDirectories(file.getParent());
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        return file;
    }

    @Test
    void noRelayByDefault() {
        assertThat(read(Map.of()).configured()).isFalse();
    }

    @Test
    void hostsAreTriedInOrderWithTlsRequiredAndThePasswordFromAnOwnerOnlyFile() throws Exception {
        passwordFile("s3cret\n", "rw-------");
        SmtpRelaySettings relay = read(Map.of("smtp.relay.host", "relay1.example.net, relay2.example.net:2525",
            "smtp.relay.username", "relay-user", "smtp.relay.passwordFile", "conf/relay.password"));
        assertThat(relay.routes()).extracting(SmtpRoute::describe)
            .containsExactly("smarthost relay1.example.net:587 as relay-user", "smarthost relay2.example.net:2525 as relay-user");
        assertThat(relay.routes()).allSatisfy(route -> {
            assertThat(route.security()).isEqualTo(SmtpSecurity.STARTTLS);
            assertThat(route.password()).contains("s3cret"); // the trailing newline is not part of it
        });
        assertThat(relay.toString()).doesNotContain("s3cret");
        assertThat(read(Map.of("smtp.relay.host", "relay.example.net", "smtp.relay.security", "tls")).routes().get(0).port()).isEqualTo(465);
    }

    @Test
    void aPasswordFileOthersCanReadIsRefused() throws Exception {
        passwordFile("s3cret", "rw-r--r--");
        assertThatThrownBy(() -> read(Map.of("smtp.relay.host", "relay.example.net", "smtp.relay.username", "u",
            "smtp.relay.passwordFile", "conf/relay.password")))
            .hasMessageContaining("smtp.relay.passwordFile").hasMessageContaining("chmod 600").hasMessageNotContaining("s3cret");
    }

    @Test
    void mistakesNameTheSetting() {
        assertThatThrownBy(() -> read(Map.of("smtp.relay.host", "relay.example.net", "smtp.relay.security", "plaintext")))
            .hasMessageContaining("smtp.relay.security").hasMessageContaining("smtp.relay.allowPlaintext");
        assertThatThrownBy(() -> read(Map.of("smtp.relay.host", "relay.example.net", "smtp.relay.security", "opportunistic")))
            .hasMessageContaining("smtp.relay.security");
        assertThatThrownBy(() -> read(Map.of("smtp.relay.host", "relay.example.net", "smtp.relay.username", "u")))
            .hasMessageContaining("smtp.relay.username").hasMessageContaining("needs a password");
        assertThatThrownBy(() -> read(Map.of("smtp.relay.username", "u")))
            .hasMessageContaining("smtp.relay.username").hasMessageContaining("smtp.relay.host");
        assertThatThrownBy(() -> read(Map.of("smtp.relay.host", "relay.example.net:99999")))
            .hasMessageContaining("smtp.relay.host");
        assertThatThrownBy(() -> read(Map.of("smtp.relay.host", "relay.example.net", "smtp.relay.username", "u",
            "smtp.relay.password", "p", "smtp.relay.passwordFile", "conf/x"))).hasMessageContaining("not both");
        assertThat(read(Map.of("smtp.relay.host", "127.0.0.1:2525", "smtp.relay.security", "plaintext",
            "smtp.relay.allowPlaintext", "true", "smtp.relay.username", "u", "smtp.relay.password", "from-env"))
            .routes().get(0).security()).isEqualTo(SmtpSecurity.PLAINTEXT);
    }
}
