package io.postbridge.auth.microsoft;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.microsoft.MicrosoftTokenClient;
import io.postbridge.core.settings.PostbridgeSettings;

/** Builds the Microsoft token client for the configured authority. */
public final class MicrosoftTokenClients {
    private MicrosoftTokenClients() {
    }

    public static MicrosoftTokenClient create(PostbridgeSettings settings) {
        return PostbridgeBackend.noMicrosoft().apply(settings);
    }
}
