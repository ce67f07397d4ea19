package io.postbridge.core.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;

/**
 * Reads DKIM private keys in the forms operators have: PEM "PRIVATE KEY" (PKCS#8, RSA or Ed25519, as written by
 * {@code openssl genpkey}), PEM "RSA PRIVATE KEY" (PKCS#1, {@code openssl genrsa}, opendkim-genkey), and the bare
 * base64 32-byte Ed25519 seed that dkimpy and rspamd use.
 */
public final class DkimPrivateKeyReader {
    private static final Pattern PEM = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private DkimPrivateKeyReader() {
    }

    public static DkimPrivateKey read(Path file) throws DkimKeyException, IOException {
        return read(new String(Files.readAllBytes(file), StandardCharsets.US_ASCII));
    }

    public static DkimPrivateKey read(String text) throws DkimKeyException {
        Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            return bareEd25519Seed(text);
        }
        String type = pem.group(1);
        byte[] der = base64(pem.group(2));
        switch (type) {
            case "PRIVATE KEY":
                return pkcs8(der);
            case "RSA PRIVATE KEY":
                return pkcs1(der);
            case "ENCRYPTED PRIVATE KEY":
                throw new DkimKeyException("the PEM key is encrypted; store it unencrypted with restrictive file "
                    + "permissions (openssl pkcs8 -in KEY -out PLAIN.pem)");
            default:
                throw new DkimKeyException("unsupported PEM block '" + type + "'; expected PRIVATE KEY (PKCS#8) or "
                    + "RSA PRIVATE KEY (PKCS#1)");
        }
    }

    /** Reads a PKCS#8 DER key (the form {@link DkimPrivateKey#pkcs8()} writes). */
    public static DkimPrivateKey pkcs8(byte[] der) throws DkimKeyException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(der);
        } catch (RuntimeException e) {
            throw new DkimKeyException("the PKCS#8 key is malformed: " + e.getMessage(), e);
        }
        if (info == null) {
            throw new DkimKeyException("the PKCS#8 key is empty");
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
            try {
                return DkimPrivateKey.rsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)));
            } catch (GeneralSecurityException e) {
                throw new DkimKeyException("the RSA key is malformed: " + e.getMessage(), e);
            }
        }
        if (EdECObjectIdentifiers.id_Ed25519.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
            try {
                ASN1Primitive inner = info.parsePrivateKey().toASN1Primitive();
                return DkimPrivateKey.ed25519(ASN1OctetString.getInstance(inner).getOctets());
            } catch (IOException | RuntimeException e) {
                throw new DkimKeyException("the Ed25519 key is malformed: " + e.getMessage(), e);
            }
        }
        throw new DkimKeyException("unsupported key algorithm " + info.getPrivateKeyAlgorithm().getAlgorithm()
            + "; DKIM keys are RSA or Ed25519");
    }

    private static DkimPrivateKey pkcs1(byte[] der) throws DkimKeyException {
        try {
            RSAPrivateKey rsa = RSAPrivateKey.getInstance(der);
            RSAPrivateCrtKeySpec spec = new RSAPrivateCrtKeySpec(rsa.getModulus(), rsa.getPublicExponent(),
                rsa.getPrivateExponent(), rsa.getPrime1(), rsa.getPrime2(), rsa.getExponent1(), rsa.getExponent2(),
                rsa.getCoefficient());
            return DkimPrivateKey.rsa(KeyFactory.getInstance("RSA").generatePrivate(spec));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new DkimKeyException("the PKCS#1 RSA key is malformed: " + e.getMessage(), e);
        }
    }

    private static DkimPrivateKey bareEd25519Seed(String text) throws DkimKeyException {
        String trimmed = text.trim();
        if (trimmed.isEmpty()) {
            throw new DkimKeyException("the key file is empty");
        }
        byte[] seed;
        try {
            seed = base64(trimmed);
        } catch (DkimKeyException e) {
            throw new DkimKeyException("not a PEM private key (no -----BEGIN ... PRIVATE KEY----- line)");
        }
        if (seed.length != 32) {
            throw new DkimKeyException("not a PEM private key (no -----BEGIN ... PRIVATE KEY----- line)");
        }
        return DkimPrivateKey.ed25519(seed);
    }

    private static byte[] base64(String body) throws DkimKeyException {
        try {
            return Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new DkimKeyException("the key is not valid base64: " + e.getMessage(), e);
        }
    }

    /** PKCS#8 PEM text for {@code key} ("-----BEGIN PRIVATE KEY-----", 64-column lines). */
    public static String toPem(DkimPrivateKey key) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.pkcs8());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }
}
