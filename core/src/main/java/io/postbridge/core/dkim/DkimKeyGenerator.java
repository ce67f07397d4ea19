package io.postbridge.core.dkim;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Creates new DKIM keys: RSA (2048 bits unless told otherwise) or Ed25519. */
public final class DkimKeyGenerator {
    public static final int DEFAULT_RSA_BITS = 2048;

    private final SecureRandom random;

    public DkimKeyGenerator() {
        this(new SecureRandom());
    }

    public DkimKeyGenerator(SecureRandom random) {
        this.random = random;
    }

    public DkimPrivateKey generate(DkimAlgorithm algorithm) throws DkimKeyException {
        return generate(algorithm, DEFAULT_RSA_BITS);
    }

    /** {@code rsaBits} is ignored for Ed25519; for RSA it must be 1024 to 4096. */
    public DkimPrivateKey generate(DkimAlgorithm algorithm, int rsaBits) throws DkimKeyException {
        switch (algorithm) {
            case RSA_SHA256:
                if (rsaBits < DkimPrivateKey.MIN_RSA_BITS || rsaBits > DkimPrivateKey.MAX_RSA_BITS) {
                    throw new DkimKeyException("RSA key size must be " + DkimPrivateKey.MIN_RSA_BITS + " to "
                        + DkimPrivateKey.MAX_RSA_BITS + " bits (2048 recommended), was " + rsaBits);
                }
                try {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(rsaBits, random);
                    return DkimPrivateKey.rsa(generator.generateKeyPair().getPrivate());
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("RSA is missing from this JVM", e);
                }
            case ED25519_SHA256:
                byte[] seed = new byte[32];
                random.nextBytes(seed);
                return DkimPrivateKey.ed25519(seed);
            default:
                throw new IllegalArgumentException(algorithm.toString());
        }
    }
}
