package io.postbridge.auth.web;

import java.io.File;
import java.io.FileNotFoundException;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.james.filesystem.api.FileSystem;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The first {@code <tls><keystore>} and {@code <secret>} of conf/smtpserver.xml: the server's certificate, for the public
 * web listener and the gRPC API listener.
 */
public final class SmtpServerTls {
    private final String keystore;
    private final String secret;

    private SmtpServerTls(String keystore, String secret) {
        this.keystore = keystore;
        this.secret = secret;
    }

    public String keystore() {
        return keystore;
    }

    public String secret() {
        return secret;
    }

    public static SmtpServerTls read(FileSystem fileSystem) {
        try {
            File file = fileSystem.getFile("file://conf/smtpserver.xml");
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document document = factory.newDocumentBuilder().parse(file);
            NodeList tls = document.getElementsByTagName("tls");
            for (int i = 0; i < tls.getLength(); i++) {
                Element element = (Element) tls.item(i);
                String keystore = text(element, "keystore");
                if (keystore != null) {
                    return new SmtpServerTls(keystore, text(element, "secret"));
                }
            }
        } catch (FileNotFoundException e) {
            return new SmtpServerTls(null, null);
        } catch (Exception e) {
            throw new IllegalStateException("conf/smtpserver.xml could not be read for its keystore: " + e.getMessage(), e);
        }
        return new SmtpServerTls(null, null);
    }

    private static String text(Element parent, String name) {
        NodeList nodes = parent.getElementsByTagName(name);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }
}
