package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.secrets.MasterKeyRotation;
import io.postbridge.core.secrets.MasterKeys;
import io.postbridge.core.secrets.SecretCipher;

/**
 * The master key that encrypts secrets at rest: {@code GET /postbridge/master-key} (ids only, never key material),
 * {@code POST /postbridge/master-key/rotate} (new key in the key file, every secret re-encrypted) and
 * {@code POST /postbridge/master-key/reencrypt} (re-encrypt with the current key, after adding a key by hand).
 */
public class MasterKeyRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/master-key";

    private final MasterKeys keys;
    private final MasterKeyRotation rotation;

    @Inject
    public MasterKeyRoutes(MasterKeys keys, MasterKeyRotation rotation, JsonTransformer json) {
        super(BASE_PATH, json);
        this.keys = keys;
        this.rotation = rotation;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes
            .get(BASE_PATH, (request, response) -> status())
            // NotWritable and SecretUnreadable (a secret no key opens) answer 409, see WebAdminRoutes
            .post(BASE_PATH + "/rotate", (request, response) -> result(stopped("rotation", () -> rotation.rotate())))
            .post(BASE_PATH + "/reencrypt", (request, response) -> result(stopped("re-encryption", () -> rotation.reencrypt())));
    }

    private Map<String, Object> status() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("currentKeyId", keys.current().id());
        json.put("keyIds", keys.ids());
        json.put("source", keys.source().describe());
        json.put("rotatable", keys.source().writable());
        return json;
    }

    /** Says which operation a secret no key opens stopped. */
    private static MasterKeyRotation.Result stopped(String operation, java.util.function.Supplier<MasterKeyRotation.Result> run) {
        try {
            return run.get();
        } catch (SecretCipher.SecretUnreadable e) {
            throw new IllegalStateException(operation + " stopped: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> result(MasterKeyRotation.Result result) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("currentKeyId", result.currentKeyId());
        json.put("reencrypted", result.reencrypted());
        json.put("secrets", result.total());
        return json;
    }

}
