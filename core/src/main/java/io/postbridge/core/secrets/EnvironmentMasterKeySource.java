package io.postbridge.core.secrets;

import java.util.Map;
import java.util.Objects;

/**
 * Master keys from an environment variable ({@code POSTBRIDGE_MASTER_KEYS} by default): {@code id:base64} entries
 * separated by commas or newlines, the last one current. Read-only: to rotate, add a key to the variable on
 * every node, restart, then re-encrypt ({@code POST /postbridge/master-key/reencrypt}).
 */
public final class EnvironmentMasterKeySource implements MasterKeySource {
    private final String variable;
    private final Map<String, String> environment;

    public EnvironmentMasterKeySource(String variable, Map<String, String> environment) {
        this.variable = Objects.requireNonNull(variable);
        this.environment = Objects.requireNonNull(environment);
    }

    public boolean isSet() {
        String value = environment.get(variable);
        return value != null && !value.isBlank();
    }

    @Override
    public MasterKeyRing load() {
        if (!isSet()) {
            throw new IllegalStateException("environment variable " + variable + " is not set");
        }
        try {
            return MasterKeyRing.parse(environment.get(variable));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("environment variable " + variable + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean writable() {
        return false;
    }

    @Override
    public MasterKeyRing append(MasterKey key) {
        throw new UnsupportedOperationException("master keys come from the environment variable " + variable
            + " and cannot be changed by the server");
    }

    @Override
    public String describe() {
        return "environment variable " + variable;
    }
}
