package io.postbridge.core.microsoft;

import java.util.Objects;

/**
 * An authenticated pass-through application: its ids and its client secret <b>sealed</b> with the master key, so
 * the mail can later be sent as that app without the secret ever being stored or queued in plaintext.
 */
public final class MicrosoftApp {
    private final MicrosoftAppId id;
    private final String sealedSecret;

    public MicrosoftApp(MicrosoftAppId id, String sealedSecret) {
        this.id = Objects.requireNonNull(id);
        this.sealedSecret = Objects.requireNonNull(sealedSecret);
    }

    public MicrosoftAppId id() {
        return id;
    }

    /** {@code pb1:...}: decrypt with {@link MicrosoftPassThrough#unseal}. */
    public String sealedSecret() {
        return sealedSecret;
    }

    @Override
    public String toString() {
        return "MicrosoftApp{" + id + "}";
    }
}
