package io.postbridge.server.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** Reads the listener part of James's smtpserver.xml (same keys and defaults as James's SMTPServer). */
public final class SmtpServerXml {
    public static final String FILE = "smtpserver.xml";

    private SmtpServerXml() {
    }

    public static List<SmtpListener> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        Document document = parse(file);
        NodeList servers = document.getDocumentElement().getElementsByTagName("smtpserver");
        List<SmtpListener> listeners = new ArrayList<>();
        for (int i = 0; i < servers.getLength(); i++) {
            listeners.add(listener((Element) servers.item(i), i));
        }
        return listeners;
    }

    private static SmtpListener listener(Element server, int index) {
        Optional<Element> tls = child(server, "tls");
        return new SmtpListener(
            text(server, "jmxName").orElse("smtpserver #" + (index + 1)),
            !"false".equalsIgnoreCase(server.getAttribute("enabled")),
            text(server, "bind").map(SmtpServerXml::splitBinds).orElse(List.of("0.0.0.0:25")),
            tls.map(t -> "true".equalsIgnoreCase(t.getAttribute("socketTLS"))).orElse(false),
            tls.map(t -> "true".equalsIgnoreCase(t.getAttribute("startTLS"))).orElse(false),
            tls.flatMap(t -> text(t, "keystore")),
            tls.flatMap(t -> text(t, "privateKey")),
            tls.flatMap(t -> text(t, "certificates")),
            child(server, "auth").flatMap(a -> text(a, "announce")).orElse("never"));
    }

    private static List<String> splitBinds(String bind) {
        return Arrays.stream(bind.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    private static Optional<Element> child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && ((Element) node).getTagName().equals(name)) {
                return Optional.of((Element) node);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(Element::getTextContent).map(String::trim).filter(s -> !s.isEmpty());
    }

    private static Document parse(Path file) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(FILE + ": not well-formed XML: " + e.getMessage(), e);
        }
    }
}
