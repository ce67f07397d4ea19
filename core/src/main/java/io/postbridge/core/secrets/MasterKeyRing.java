package io.postbridge.core.secrets;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The master keys the server knows. The <b>last</b> one is current: new secrets are encrypted with it. The older
 * ones only decrypt rows that rotation has not re-encrypted yet (and old backups).
 *
 * <p>Text form (a key file, or an environment variable): one {@code id:base64-of-32-bytes} per line (or separated
 * by commas); blank lines and lines starting with {@code #} are ignored.
 */
public final class MasterKeyRing {
    private final List<MasterKey> keys;

    public MasterKeyRing(List<MasterKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a master key ring needs at least one key");
        }
        Set<String> ids = new LinkedHashSet<>();
        for (MasterKey key : keys) {
            if (!ids.add(key.id())) {
                throw new IllegalArgumentException("master key id '" + key.id() + "' appears twice");
            }
        }
        this.keys = Collections.unmodifiableList(new ArrayList<>(keys));
    }

    public static MasterKeyRing parse(String text) {
        List<MasterKey> keys = new ArrayList<>();
        int entry = 0;
        for (String raw : text.split("[\\r\\n,]+")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            entry++;
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("master key entry " + entry + " must look like 'id:base64-of-32-bytes'");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(line.substring(colon + 1).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("master key entry " + entry + " ('" + line.substring(0, colon)
                    + "'): the key is not valid base64");
            }
            keys.add(new MasterKey(line.substring(0, colon).trim(), bytes));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no master key found (expected lines 'id:base64-of-32-bytes')");
        }
        return new MasterKeyRing(keys);
    }

    public MasterKey current() {
        return keys.get(keys.size() - 1);
    }

    public Optional<MasterKey> find(String id) {
        return keys.stream().filter(key -> key.id().equals(id)).findFirst();
    }

    public List<String> ids() {
        return keys.stream().map(MasterKey::id).collect(Collectors.toList());
    }

    public MasterKeyRing with(MasterKey newCurrent) {
        List<MasterKey> more = new ArrayList<>(keys);
        more.add(newCurrent);
        return new MasterKeyRing(more);
    }

    /** The text form, newest key last. Contains key material: write it only to the key file. */
    public String serialize() {
        return keys.stream().map(MasterKey::serialize).collect(Collectors.joining("\n", "", "\n"));
    }

    @Override
    public String toString() {
        return "MasterKeyRing" + ids() + " current=" + current().id();
    }
}
