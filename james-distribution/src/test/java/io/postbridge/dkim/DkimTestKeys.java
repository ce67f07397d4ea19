package io.postbridge.dkim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimKeyException;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.DkimPrivateKey;
import io.postbridge.core.dkim.DkimPrivateKeyReader;
import io.postbridge.core.dkim.DkimSigningKey;
import io.postbridge.core.dkim.ExternalDkimVerifiers;
import io.postbridge.it.ConfFolder;

/** Freshly generated keys written into a test server's conf/dkim/, and the verifiers' key file for them. */
public final class DkimTestKeys {
    static final String DKIM_SIGN = "io.postbridge.mailets.DkimSign";

    final DkimSigningKey rsa;
    final DkimSigningKey ed25519;

    public DkimTestKeys(String domain) {
        try {
            DkimKeyGenerator generator = new DkimKeyGenerator();
            this.rsa = new DkimSigningKey(domain, "t-rsa", generator.generate(DkimAlgorithm.RSA_SHA256));
            this.ed25519 = new DkimSigningKey(domain, "t-ed", generator.generate(DkimAlgorithm.ED25519_SHA256));
        } catch (DkimKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writePem(Path file, DkimPrivateKey key) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, DkimPrivateKeyReader.toPem(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes both keys under conf/dkim/ and lists them as {@code <key>} lines of the DkimSign mailet. */
    public void install(ConfFolder conf) {
        writePem(conf.dir().resolve("dkim/rsa.pem"), rsa.key());
        writePem(conf.dir().resolve("dkim/ed.pem"), ed25519.key());
        addKey(conf, rsa.domain(), rsa.selector(), "dkim/rsa.pem");
        addKey(conf, ed25519.domain(), ed25519.selector(), "dkim/ed.pem");
    }

    static void addKey(ConfFolder conf, String domain, String selector, String privateKey) {
        conf.xml("mailetcontainer.xml", doc -> {
            NodeList mailets = ConfFolder.select(doc, "//mailet[@class='" + DKIM_SIGN + "']");
            if (mailets.getLength() == 0) {
                throw new IllegalStateException("conf/mailetcontainer.xml has no DkimSign mailet");
            }
            for (int i = 0; i < mailets.getLength(); i++) {
                Element key = doc.createElement("key");
                key.setAttribute("domain", domain);
                key.setAttribute("selector", selector);
                key.setAttribute("privateKey", privateKey);
                mailets.item(i).insertBefore(key, mailets.item(i).getFirstChild());
            }
        });
    }

    /** The verifier key file: our keys plus the shared fixture keys (a corpus message carries their signature). */
    public Path keyFile(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(rsa.dnsRecord().keyFileLine());
        lines.add(ed25519.dnsRecord().keyFileLine());
        Path shared = ExternalDkimVerifiers.toolDirectory().resolve("fixtures/keys.txt");
        if (Files.isRegularFile(shared)) {
            lines.addAll(Files.readAllLines(shared));
        }
        Path file = dir.resolve("keys.txt");
        Files.write(file, lines);
        return file;
    }
}
