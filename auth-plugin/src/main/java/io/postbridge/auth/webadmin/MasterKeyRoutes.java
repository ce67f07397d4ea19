package io.postbridge.auth.webadmin;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.secrets.MasterKeyRotation;
import io.postbridge.core.secrets.MasterKeys;
import io.postbridge.core.secrets.SecretCipher;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The master key that encrypts secrets at rest: {@code GET /postbridge/master-key} (ids only, never key material),
 * {@code POST /postbridge/master-key/rotate} (new key in the key file, every secret re-encrypted) and
 * {@code POST /postbridge/master-key/reencrypt} (re-encrypt with the current key, after adding a key by hand).
 */
public class MasterKeyRoutes implements Routes {
    public static final String BASE_PATH = "/postbridge/master-key";

    private final PostbridgeBackend backend;
    private final JsonTransformer json;

    @Inject
    public MasterKeyRoutes(PostbridgeBackend backend, JsonTransformer json) {
        this.backend = backend;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> status(), json);
        service.post(BASE_PATH + "/rotate", this::rotate, json);
        service.post(BASE_PATH + "/reencrypt", (request, response) -> result(reencrypt()), json);
    }

    private Map<String, Object> status() {
        MasterKeys keys = backend.masterKeys();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("currentKeyId", keys.current().id());
        json.put("keyIds", keys.ids());
        json.put("source", keys.source().describe());
        json.put("rotatable", keys.source().writable());
        return json;
    }

    private Object rotate(Request request, Response response) {
        try {
            return result(backend.rotation().rotate());
        } catch (MasterKeyRotation.NotWritable e) {
            throw JsonBody.conflict(e.getMessage());
        } catch (SecretCipher.SecretUnreadable e) {
            throw JsonBody.conflict("rotation stopped: " + e.getMessage());
        }
    }

    private MasterKeyRotation.Result reencrypt() {
        try {
            return backend.rotation().reencrypt();
        } catch (SecretCipher.SecretUnreadable e) {
            throw JsonBody.conflict("re-encryption stopped: " + e.getMessage());
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
