package io.postbridge.core.dkim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A usable DKIM signing key: RSA (1024 to 4096 bits, RFC 8301) through the JDK, or Ed25519 (RFC 8463) through
 * BouncyCastle's lightweight API, which works on the Java 11 runtime James images use. Thread-safe.
 */
public abstract class DkimPrivateKey {
    public static final int MIN_RSA_BITS = 1024;
    public static final int MAX_RSA_BITS = 4096;

    private DkimPrivateKey() {
    }

    public abstract DkimAlgorithm algorithm();

    /** Signs the canonicalized header data the way {@link #algorithm()} prescribes. */
    public abstract byte[] sign(byte[] data);

    /** The {@code p=} value of the DNS key record. */
    public abstract String publicKeyBase64();

    /** Key size in bits (RSA modulus length; 256 for Ed25519). */
    public abstract int bits();

    /** PKCS#8 DER encoding of the private key (for storing and for PEM output). */
    public abstract byte[] pkcs8();

    public static DkimPrivateKey rsa(PrivateKey key) throws DkimKeyException {
        if (!(key instanceof RSAPrivateCrtKey)) {
            throw new DkimKeyException("the RSA key has no public exponent (not a CRT key); export it again as PKCS#8 or PKCS#1");
        }
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
        int bits = crt.getModulus().bitLength();
        if (bits < MIN_RSA_BITS) {
            throw new DkimKeyException("the RSA key has " + bits + " bits; RFC 8301 forbids signing with less than "
                + MIN_RSA_BITS + " (use 2048)");
        }
        if (bits > MAX_RSA_BITS) {
            throw new DkimKeyException("the RSA key has " + bits + " bits; verifiers are only required to accept up to "
                + MAX_RSA_BITS + " (RFC 8301; use 2048)");
        }
        return new Rsa(crt, bits);
    }

    public static DkimPrivateKey ed25519(byte[] seed) throws DkimKeyException {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new DkimKeyException("an Ed25519 private key is 32 bytes, this one has " + seed.length);
        }
        return new Ed25519(new Ed25519PrivateKeyParameters(seed, 0));
    }

    private static final class Rsa extends DkimPrivateKey {
        private final RSAPrivateCrtKey key;
        private final int bits;
        private final String publicKey;

        Rsa(RSAPrivateCrtKey key, int bits) throws DkimKeyException {
            this.key = key;
            this.bits = bits;
            try {
                this.publicKey = Base64.getEncoder().encodeToString(KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent())).getEncoded());
            } catch (GeneralSecurityException e) {
                throw new DkimKeyException("cannot derive the RSA public key: " + e.getMessage(), e);
            }
        }

        @Override
        public DkimAlgorithm algorithm() {
            return DkimAlgorithm.RSA_SHA256;
        }

        @Override
        public byte[] sign(byte[] data) {
            try {
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initSign(key);
                signature.update(data);
                return signature.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("RSA signing failed", e);
            }
        }

        @Override
        public String publicKeyBase64() {
            return publicKey;
        }

        @Override
        public int bits() {
            return bits;
        }

        @Override
        public byte[] pkcs8() {
            return key.getEncoded();
        }

        @Override
        public String toString() {
            BigInteger modulus = key.getModulus();
            return "rsa-" + bits + "(" + modulus.toString(16).substring(0, 8) + "...)";
        }
    }

    private static final class Ed25519 extends DkimPrivateKey {
        /** DER prefix of a PKCS#8 Ed25519 key (RFC 8410); the 32-byte seed follows. Same as OpenSSL writes. */
        static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70,
            0x04, 0x22, 0x04, 0x20};

        private final Ed25519PrivateKeyParameters key;
        private final String publicKey;

        Ed25519(Ed25519PrivateKeyParameters key) {
            this.key = key;
            this.publicKey = Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded());
        }

        @Override
        public DkimAlgorithm algorithm() {
            return DkimAlgorithm.ED25519_SHA256;
        }

        @Override
        public byte[] sign(byte[] data) {
            // RFC 8463: the SHA-256 hash of the canonicalized data is signed with PureEdDSA
            byte[] hash = sha256(data);
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, key);
            signer.update(hash, 0, hash.length);
            return signer.generateSignature();
        }

        @Override
        public String publicKeyBase64() {
            return publicKey;
        }

        @Override
        public int bits() {
            return 256;
        }

        @Override
        public byte[] pkcs8() {
            byte[] seed = key.getEncoded();
            byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + seed.length);
            System.arraycopy(seed, 0, der, PKCS8_PREFIX.length, seed.length);
            return der;
        }

        @Override
        public String toString() {
            return "ed25519(" + publicKey.substring(0, 8) + "...)";
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
