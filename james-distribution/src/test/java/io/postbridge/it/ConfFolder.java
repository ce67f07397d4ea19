package io.postbridge.it;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A copy of the repository's {@code conf/} for one test server, edited the way an operator would edit it.
 * Tests run on the real sample configuration, not on a test-only one.
 */
public final class ConfFolder {
    private final Path dir;

    private ConfFolder(Path dir) {
        this.dir = dir;
    }

    /** The repository's conf/ (Maven passes its location; the fallback is for running from an IDE). */
    public static Path source() {
        return Path.of(System.getProperty("postbridge.conf.dir", "../conf")).toAbsolutePath().normalize();
    }

    public static ConfFolder copyOf(Path source, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(file) && !file.getFileName().toString().equals("keystore")) {
                        Files.copy(file, target.resolve(file.getFileName()));
                    }
                }
            }
            return new ConfFolder(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An existing conf/ folder (for instance an installed server's) to edit in place. */
    public static ConfFolder at(Path dir) {
        return new ConfFolder(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Sets every {@code <bind>} of smtpserver.xml, in document order. */
    public ConfFolder smtpBinds(List<String> binds) {
        return xml("smtpserver.xml", doc -> {
            NodeList nodes = select(doc, "/smtpservers/smtpserver/bind");
            for (int i = 0; i < nodes.getLength(); i++) {
                nodes.item(i).setTextContent(binds.get(Math.min(i, binds.size() - 1)));
            }
        });
    }

    /** Sets the {@code <bind>} of imapserver.xml's listeners, in document order (STARTTLS, then implicit TLS). */
    public ConfFolder imapBinds(List<String> binds) {
        if (!java.nio.file.Files.exists(dir.resolve("imapserver.xml"))) {
            return this;
        }
        return xml("imapserver.xml", doc -> {
            NodeList nodes = select(doc, "/imapservers/imapserver/bind");
            for (int i = 0; i < nodes.getLength(); i++) {
                nodes.item(i).setTextContent(binds.get(Math.min(i, binds.size() - 1)));
            }
        });
    }

    /** All listeners on loopback, on ports the OS picks (in-process tests read them back through a probe). */
    public ConfFolder loopbackAnyPorts() {
        smtpBinds(List.of("127.0.0.1:0"));
        imapBinds(List.of("127.0.0.1:0"));
        return property("webadmin.properties", "port", "0");
    }

    /**
     * Sends everything SmtpDelivery (or, in a stock configuration, RemoteDelivery) handles to one SMTP server (the
     * fake MX) as a plaintext smarthost, retrying quickly.
     */
    public ConfFolder relayThrough(String hostAndPort, String retryDelay) {
        xml("mailetcontainer.xml", doc -> {
            NodeList mailets = select(doc, "//mailet[@class='io.postbridge.mailets.SmtpDelivery']");
            for (int i = 0; i < mailets.getLength(); i++) {
                Element mailet = (Element) mailets.item(i);
                for (String parameter : List.of("smarthost", "smarthostSecurity", "allowPlaintext", "retryInitialDelay", "retryMaxDelay")) {
                    removeChildren(mailet, parameter);
                }
                appendChild(mailet, "smarthost", hostAndPort);
                appendChild(mailet, "smarthostSecurity", "plaintext");
                appendChild(mailet, "allowPlaintext", "true");
                appendChild(mailet, "retryInitialDelay", retryDelay);
                appendChild(mailet, "retryMaxDelay", retryDelay);
            }
        });
        return xml("mailetcontainer.xml", doc -> {
            NodeList mailets = select(doc, "//mailet[@class='RemoteDelivery']");
            for (int i = 0; i < mailets.getLength(); i++) {
                Element mailet = (Element) mailets.item(i);
                removeChildren(mailet, "delayTime");
                removeChildren(mailet, "maxRetries");
                appendChild(mailet, "gateway", hostAndPort);
                appendChild(mailet, "delayTime", retryDelay);
                appendChild(mailet, "maxRetries", "100");
                removeChildren(mailet, "startTLS");
            }
        });
    }

    /** Sets (or adds) a parameter on every mailet of the given class. */
    public ConfFolder mailetParameter(String mailetClass, String parameter, String value) {
        return xml("mailetcontainer.xml", doc -> {
            NodeList mailets = select(doc, "//mailet[@class='" + mailetClass + "']");
            for (int i = 0; i < mailets.getLength(); i++) {
                Element mailet = (Element) mailets.item(i);
                removeChildren(mailet, parameter);
                appendChild(mailet, parameter, value);
            }
        });
    }

    public ConfFolder property(String file, String key, String value) {
        Path path = dir.resolve(file);
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(path));
            lines.removeIf(line -> line.trim().startsWith(key + "=") || line.trim().startsWith(key + " ="));
            lines.add(key + "=" + value);
            Files.write(path, lines);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ConfFolder xml(String file, Consumer<Document> edit) {
        Path path = dir.resolve(file);
        try {
            Document doc;
            try (InputStream in = new FileInputStream(path.toFile())) {
                doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            }
            edit.accept(doc);
            var transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            try (OutputStream out = new FileOutputStream(path.toFile())) {
                transformer.transform(new DOMSource(doc), new StreamResult(out));
            }
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("cannot edit " + path, e);
        }
    }

    public static NodeList select(Document doc, String xpath) {
        try {
            return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
        } catch (Exception e) {
            throw new IllegalArgumentException(xpath, e);
        }
    }

    public static void appendChild(Element parent, String name, String text) {
        Element child = parent.getOwnerDocument().createElement(name);
        child.setTextContent(text);
        parent.appendChild(child);
    }

    public static void removeChildren(Element parent, String name) {
        List<Node> remove = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element && ((Element) node).getTagName().equals(name)) {
                remove.add(node);
            }
        }
        remove.forEach(parent::removeChild);
    }
}
