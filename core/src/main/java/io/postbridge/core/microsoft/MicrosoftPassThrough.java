package io.postbridge.core.microsoft;

import java.util.Objects;

import io.postbridge.core.secrets.SecretCipher;

/**
 * Microsoft pass-through authentication: the SMTP username names an Entra app, the password is its client secret.
 * The secret is valid when Entra issues a token for it (cached: one token request per app per token lifetime).
 */
public final class MicrosoftPassThrough {
    private final MicrosoftTokenClient tokens;
    private final SecretCipher cipher;

    public MicrosoftPassThrough(MicrosoftTokenClient tokens, SecretCipher cipher) {
        this.tokens = Objects.requireNonNull(tokens);
        this.cipher = Objects.requireNonNull(cipher);
    }

    /**
     * @throws MicrosoftTokenClient.InvalidCredentials when Entra rejects the credentials
     * @throws MicrosoftTokenClient.Unavailable when Entra cannot be reached
     */
    public MicrosoftApp authenticate(MicrosoftAppId id, String clientSecret) {
        tokens.accessToken(id, clientSecret);
        return new MicrosoftApp(id, cipher.encrypt(clientSecret, context(id)));
    }

    /** The client secret of a pass-through app, for the delivery that sends its mail. */
    public String unseal(MicrosoftApp app) {
        return cipher.decrypt(app.sealedSecret(), context(app.id()));
    }

    public String unseal(MicrosoftAppId id, String sealedSecret) {
        return cipher.decrypt(sealedSecret, context(id));
    }

    private static String context(MicrosoftAppId id) {
        return "microsoft-app/" + id.asString();
    }
}
