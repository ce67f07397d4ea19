package io.postbridge.core.dkim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The DNS TXT record that publishes a DKIM public key: {@code <selector>._domainkey.<domain>}. */
public final class DkimDnsRecord {
    /** A TXT record is made of character-strings of at most 255 octets each. */
    private static final int MAX_STRING = 255;

    private final String selector;
    private final String domain;
    private final DkimAlgorithm algorithm;
    private final String publicKeyBase64;

    public DkimDnsRecord(String selector, String domain, DkimAlgorithm algorithm, String publicKeyBase64) {
        this.selector = Objects.requireNonNull(selector);
        this.domain = Objects.requireNonNull(domain);
        this.algorithm = Objects.requireNonNull(algorithm);
        this.publicKeyBase64 = Objects.requireNonNull(publicKeyBase64);
    }

    public static DkimDnsRecord of(String selector, String domain, DkimPrivateKey key) {
        return new DkimDnsRecord(selector, domain, key.algorithm(), key.publicKeyBase64());
    }

    /** {@code selector._domainkey.domain} (no trailing dot). */
    public String name() {
        return selector + "._domainkey." + domain;
    }

    /** The record text, e.g. {@code v=DKIM1; k=rsa; h=sha256; p=MIIB...}. */
    public String value() {
        if (algorithm == DkimAlgorithm.RSA_SHA256) {
            // h=sha256 tells verifiers this key never signs with sha1
            return "v=DKIM1; k=rsa; h=sha256; p=" + publicKeyBase64;
        }
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + publicKeyBase64;
    }

    public String publicKeyBase64() {
        return publicKeyBase64;
    }

    public DkimAlgorithm algorithm() {
        return algorithm;
    }

    /** The value cut into quoted character-strings of at most 255 octets, as a zone file or DNS console wants. */
    public List<String> quotedStrings() {
        List<String> parts = new ArrayList<>();
        String value = value();
        for (int i = 0; i < value.length(); i += MAX_STRING) {
            parts.add("\"" + value.substring(i, Math.min(value.length(), i + MAX_STRING)) + "\"");
        }
        return parts;
    }

    /** One BIND zone-file line: {@code sel._domainkey.example.com. 3600 IN TXT ( "..." "..." )}. */
    public String zoneFileLine() {
        return name() + ". 3600 IN TXT ( " + String.join(" ", quotedStrings()) + " )";
    }

    /** One line of a verifier key file (OpenDKIM TestPublicKeys format): {@code name value}. */
    public String keyFileLine() {
        return name() + " " + value();
    }

    @Override
    public String toString() {
        return zoneFileLine();
    }
}
