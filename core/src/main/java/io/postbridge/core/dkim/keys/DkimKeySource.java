package io.postbridge.core.dkim.keys;

/** Where signing keys come from: the configured key table, the managed (rotating) key store, or both. */
public interface DkimKeySource {
    /** {@code domain} is normalized (lower-case ASCII, see {@code DkimSigningKey.normalizeDomain}). */
    KeyLookup lookup(String domain);

    /** The first source that knows the domain answers. */
    static DkimKeySource firstConfigured(DkimKeySource... sources) {
        return domain -> {
            for (DkimKeySource source : sources) {
                KeyLookup lookup = source.lookup(domain);
                if (lookup.outcome() != KeyLookup.Outcome.NOT_CONFIGURED) {
                    return lookup;
                }
            }
            return KeyLookup.notConfigured();
        };
    }
}
