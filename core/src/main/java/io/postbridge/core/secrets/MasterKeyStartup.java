package io.postbridge.core.secrets;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.store.StoreSettings;

/** Finds (or, for the embedded store's first start, creates) the master keys when the server starts. */
public final class MasterKeyStartup {
    private static final Logger LOGGER = LoggerFactory.getLogger(MasterKeyStartup.class);

    private MasterKeyStartup() {
    }

    /**
     * The master keys from the environment variable or the key file; the embedded store generates the file on its
     * first start.
     *
     * @throws IllegalArgumentException with a one-line {@link SettingProblem} message when none can be had, or when
     * the keys just generated cannot open the secrets already stored
     */
    public static MasterKeys load(PostbridgeSettings settings, Map<String, String> environment, SecretRepository secrets) {
        EnvironmentMasterKeySource fromEnvironment = new EnvironmentMasterKeySource(settings.masterKeyEnv(), environment);
        FileMasterKeySource fromFile = new FileMasterKeySource(settings.masterKeyFile());
        MasterKeySource source;
        MasterKeyRing ring;
        boolean generated = false;
        try {
            if (fromEnvironment.isSet()) {
                source = fromEnvironment;
                ring = source.load();
            } else if (fromFile.exists()) {
                source = fromFile;
                ring = source.load();
            } else if (embedded(settings)) {
                source = fromFile;
                ring = fromFile.create();
                generated = true;
                LOGGER.warn("Postbridge: generated a new master key in {}. BACK THIS FILE UP, apart from the database: "
                    + "without it no stored secret (provider client secrets, tokens, passwords) can be read.", fromFile.file());
            } else {
                throw new IllegalArgumentException(SettingProblem.describe(PostbridgeSettings.FILE, PostbridgeSettings.MASTER_KEY_FILE,
                    "no master key: " + fromFile.file() + " does not exist and " + settings.masterKeyEnv() + " is not set. "
                        + "With a shared database every node needs the same key: create it once (one line 'id:base64 of 32 random bytes', "
                        + "e.g. k1:$(openssl rand -base64 32)) and give it to every node"));
            }
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(PostbridgeSettings.FILE)) {
                throw e;
            }
            throw new IllegalArgumentException(SettingProblem.describe(PostbridgeSettings.FILE, PostbridgeSettings.MASTER_KEY_FILE, e.getMessage()), e);
        }
        Set<String> unknown = new TreeSet<>(secrets.keyIdsInUse());
        unknown.removeAll(ring.ids());
        if (!unknown.isEmpty()) {
            String problem = "the database holds secrets encrypted with master key(s) " + unknown + " that " + source.describe()
                + " does not have (it has " + ring.ids() + ")";
            if (generated) {
                throw new IllegalArgumentException(SettingProblem.describe(PostbridgeSettings.FILE, PostbridgeSettings.MASTER_KEY_FILE,
                    problem + ": the master key file was lost or moved. Restore it from your backup (the new file "
                        + fromFile.file() + " was just generated: remove it first)"));
            }
            LOGGER.error("Postbridge: {}; those secrets cannot be read until the key is added back", problem);
        }
        return new MasterKeys(source, ring);
    }

    /** The embedded default (H2) may generate what is missing on its first start; a shared database must not. */
    private static boolean embedded(PostbridgeSettings settings) {
        return settings.store().dialect() == StoreSettings.Dialect.H2;
    }
}
