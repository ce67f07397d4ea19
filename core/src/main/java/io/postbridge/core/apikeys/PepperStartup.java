package io.postbridge.core.apikeys;

import java.nio.file.Files;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.store.StoreSettings;

/** Finds (or, for the embedded store's first start, creates) the API key pepper when the server starts. */
public final class PepperStartup {
    private static final Logger LOGGER = LoggerFactory.getLogger(PepperStartup.class);

    private PepperStartup() {
    }

    /**
     * The pepper from the environment variable or the pepper file; the embedded store generates the file on its first
     * start (and says so loudly when keys made with a lost pepper exist).
     *
     * @throws IllegalArgumentException with a one-line {@link SettingProblem} message when none can be had
     */
    public static Pepper load(PostbridgeSettings settings, Map<String, String> environment, ApiKeyRepository keys) {
        String fromEnvironment = environment.get(settings.pepperEnv());
        try {
            if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                return Pepper.fromBase64(fromEnvironment);
            }
            if (Files.exists(settings.pepperFile())) {
                return Pepper.readFile(settings.pepperFile());
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(SettingProblem.describe(PostbridgeSettings.FILE, PostbridgeSettings.PEPPER_FILE, e.getMessage()), e);
        }
        if (!embedded(settings)) {
            throw new IllegalArgumentException(SettingProblem.describe(PostbridgeSettings.FILE, PostbridgeSettings.PEPPER_FILE,
                "no API key pepper: " + settings.pepperFile() + " does not exist and " + settings.pepperEnv() + " is not set. "
                    + "With a shared database every node needs the same pepper (base64 of 32 random bytes: openssl rand -base64 32)"));
        }
        Pepper pepper = Pepper.generate();
        pepper.writeFile(settings.pepperFile());
        LOGGER.warn("Postbridge: generated a new API key pepper in {}. Back it up with the master key: without it every API key stops working.",
            settings.pepperFile());
        long existingKeys = keys.countLive();
        if (existingKeys > 0) {
            LOGGER.error("Postbridge: the database has {} live API key(s) made with another pepper: none of them works any more. "
                + "Restore {} from your backup, or issue new keys.", existingKeys, settings.pepperFile());
        }
        return pepper;
    }

    /** The embedded default (H2) may generate what is missing on its first start; a shared database must not. */
    private static boolean embedded(PostbridgeSettings settings) {
        return settings.store().dialect() == StoreSettings.Dialect.H2;
    }
}
