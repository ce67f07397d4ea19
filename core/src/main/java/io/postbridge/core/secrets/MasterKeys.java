package io.postbridge.core.secrets;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live key ring of this node. When a ciphertext names a key this node does not know yet (another node
 * rotated and the key file is shared), the ring is re-read from its source once before giving up.
 */
public final class MasterKeys {
    private static final Logger LOGGER = LoggerFactory.getLogger(MasterKeys.class);

    private final MasterKeySource source;
    private volatile MasterKeyRing ring;

    public MasterKeys(MasterKeySource source) {
        this(source, source.load());
    }

    public MasterKeys(MasterKeySource source, MasterKeyRing ring) {
        this.source = Objects.requireNonNull(source);
        this.ring = Objects.requireNonNull(ring);
    }

    public MasterKey current() {
        return ring.current();
    }

    public List<String> ids() {
        return ring.ids();
    }

    public Optional<MasterKey> find(String id) {
        Optional<MasterKey> key = ring.find(id);
        if (key.isPresent()) {
            return key;
        }
        synchronized (this) {
            try {
                ring = source.load();
            } catch (RuntimeException e) {
                LOGGER.warn("Postbridge: cannot re-read the master keys from {}: {}", source.describe(), e.getMessage());
            }
        }
        return ring.find(id);
    }

    public MasterKeySource source() {
        return source;
    }

    /** Adds a new current key to the source (a file) and uses it from now on. */
    public synchronized MasterKey addNewKey() {
        MasterKey key = MasterKey.generate();
        ring = source.append(key);
        return key;
    }

    public String describe() {
        return source.describe() + ", keys " + ring.ids();
    }
}
