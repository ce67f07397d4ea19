package io.postbridge.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

class SecretCipherTest {
    private final MasterKey first = MasterKey.generate();
    private final FixedSource source = new FixedSource(new MasterKeyRing(List.of(first)));
    private final SecretCipher cipher = new SecretCipher(new MasterKeys(source));

    @Test
    void encryptsWithTheCurrentKeyIdAndARandomNonce() {
        String a = cipher.encrypt("refresh-token-123", "account/1/provider\u0000refreshToken");
        String b = cipher.encrypt("refresh-token-123", "account/1/provider\u0000refreshToken");
        assertThat(a).startsWith("pb1:" + first.id() + ":").doesNotContain("refresh-token-123").isNotEqualTo(b);
        assertThat(SecretCipher.keyIdOf(a)).isEqualTo(first.id());
        assertThat(cipher.decrypt(a, "account/1/provider\u0000refreshToken")).isEqualTo("refresh-token-123");
    }

    @Test
    void aCiphertextMovedToAnotherRowOrTamperedWithDoesNotDecrypt() {
        String sealed = cipher.encrypt("secret", "account/1/provider\u0000clientSecret");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "account/2/provider\u0000clientSecret"))
            .isInstanceOf(SecretCipher.SecretUnreadable.class).hasMessageContaining("does not decrypt");

        String[] parts = sealed.split(":", 3);
        byte[] data = Base64.getUrlDecoder().decode(parts[2]);
        data[data.length - 1] ^= 1;
        String tampered = parts[0] + ":" + parts[1] + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(data);
        assertThatThrownBy(() -> cipher.decrypt(tampered, "account/1/provider\u0000clientSecret"))
            .isInstanceOf(SecretCipher.SecretUnreadable.class).hasMessageNotContaining("secret\u0000");
        assertThatThrownBy(() -> cipher.decrypt("plain text", "x")).hasMessageContaining("not a Postbridge ciphertext");
    }

    @Test
    void oldKeysStillDecryptAfterANewKeyBecomesCurrentAndUnknownKeysAreNamed() {
        String old = cipher.encrypt("old secret", "ctx");
        MasterKey second = MasterKey.generate();
        source.ring = source.ring.with(second);
        MasterKeys reloaded = new MasterKeys(source);
        SecretCipher rotated = new SecretCipher(reloaded);

        assertThat(rotated.decrypt(old, "ctx")).isEqualTo("old secret");
        assertThat(SecretCipher.keyIdOf(rotated.encrypt("new", "ctx"))).isEqualTo(second.id());

        SecretCipher onlySecond = new SecretCipher(new MasterKeys(new FixedSource(new MasterKeyRing(List.of(second)))));
        assertThatThrownBy(() -> onlySecond.decrypt(old, "ctx")).hasMessageContaining("'" + first.id() + "'")
            .hasMessageContaining("not in the key ring");
    }

    @Test
    void theKeyRingReadsAndWritesItsTextFormLastKeyCurrent() {
        MasterKeyRing ring = new MasterKeyRing(List.of(first)).with(MasterKey.generate());
        MasterKeyRing parsed = MasterKeyRing.parse("# comment\n\n" + ring.serialize());
        assertThat(parsed.ids()).isEqualTo(ring.ids());
        assertThat(parsed.current().id()).isEqualTo(ring.current().id());
        assertThat(MasterKeyRing.parse(ring.serialize().replace("\n", ",")).ids()).isEqualTo(ring.ids());
        assertThat(first.toString()).doesNotContain(Base64.getEncoder().encodeToString(first.secretKey().getEncoded()));

        assertThatThrownBy(() -> MasterKeyRing.parse("k1:not-base64!")).hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> MasterKeyRing.parse("k1:" + Base64.getEncoder().encodeToString(new byte[16]))).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> MasterKeyRing.parse("nocolon")).hasMessageContaining("id:base64");
        assertThatThrownBy(() -> MasterKeyRing.parse("# only comments")).hasMessageContaining("no master key");
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> MasterKeyRing.parse("k1:" + key + "\nk1:" + key)).hasMessageContaining("appears twice");
    }

    static final class FixedSource implements MasterKeySource {
        MasterKeyRing ring;

        FixedSource(MasterKeyRing ring) {
            this.ring = ring;
        }

        @Override
        public MasterKeyRing load() {
            return ring;
        }

        @Override
        public boolean writable() {
            return false;
        }

        @Override
        public MasterKeyRing append(MasterKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe() {
            return "test";
        }
    }
}
