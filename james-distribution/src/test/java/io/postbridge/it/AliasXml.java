package io.postbridge.it;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Edits the AliasForward element of a test server's mailetcontainer.xml, as an operator would. */
public final class AliasXml {
    public static final String MAILET = "io.postbridge.mailets.AliasForward";

    private AliasXml() {
    }

    /** Replaces the {@code <aliases>} block with the given one (a complete {@code <aliases>...</aliases>} element). */
    public static void aliases(ConfFolder conf, String aliasesElement) {
        conf.xml("mailetcontainer.xml", doc -> {
            Element mailet = mailet(doc);
            ConfFolder.removeChildren(mailet, "aliases");
            mailet.appendChild(doc.importNode(parse(aliasesElement), true));
        });
    }

    /** Writes the SRS secrets file the sample configuration names (conf/srs-secrets). */
    public static void secrets(ConfFolder conf, String... secrets) {
        try {
            Files.writeString(conf.dir().resolve("srs-secrets"), String.join("\n", secrets) + "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path secretsFile(ConfFolder conf) {
        return conf.dir().resolve("srs-secrets");
    }

    private static Element mailet(Document doc) {
        NodeList nodes = ConfFolder.select(doc, "//mailet[@class='" + MAILET + "']");
        if (nodes.getLength() != 1) {
            throw new IllegalStateException("conf/mailetcontainer.xml should declare AliasForward once");
        }
        return (Element) nodes.item(0);
    }

    private static Node parse(String xml) {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))).getDocumentElement();
        } catch (Exception e) {
            throw new IllegalArgumentException(xml, e);
        }
    }
}
