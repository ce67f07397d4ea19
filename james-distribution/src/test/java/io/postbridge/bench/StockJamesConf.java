package io.postbridge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import io.postbridge.it.ConfFolder;

/**
 * Turns a copy of Postbridge's conf/ into a stock James configuration for the baseline of the benchmark: the same
 * listeners, TLS and domains, James's RemoteDelivery in place of SmtpDelivery (to the same smarthost), with every
 * Postbridge module, route, hook, matcher and mailet removed.
 */
final class StockJamesConf {
    private static final String POSTBRIDGE = "io.postbridge.";

    private StockJamesConf() {
    }

    static void stripPostbridge(ConfFolder conf) {
        dropPostbridgeLines(conf.dir().resolve("extensions.properties"));
        dropPostbridgeLines(conf.dir().resolve("webadmin.properties"));
        dropPostbridgeLines(conf.dir().resolve("healthcheck.properties"));
        conf.xml("smtpserver.xml", doc -> removeAll(doc, "//handler[starts-with(@class,'" + POSTBRIDGE + "')]"));
        conf.xml("mailetcontainer.xml", doc -> {
            NodeList smtp = ConfFolder.select(doc, "//mailet[@class='io.postbridge.mailets.SmtpDelivery']");
            for (int i = 0; i < smtp.getLength(); i++) {
                org.w3c.dom.Element postbridge = (org.w3c.dom.Element) smtp.item(i);
                org.w3c.dom.Element stock = doc.createElement("mailet");
                stock.setAttribute("match", postbridge.getAttribute("match"));
                stock.setAttribute("class", "RemoteDelivery");
                ConfFolder.appendChild(stock, "outgoing", "outgoing");
                ConfFolder.appendChild(stock, "delayTime", "1 second");
                ConfFolder.appendChild(stock, "maxRetries", "100");
                ConfFolder.appendChild(stock, "sendpartial", "true");
                ConfFolder.appendChild(stock, "bounceProcessor", "bounces");
                NodeList smarthost = postbridge.getElementsByTagName("smarthost");
                if (smarthost.getLength() > 0) {
                    ConfFolder.appendChild(stock, "gateway", smarthost.item(0).getTextContent().trim());
                }
                postbridge.getParentNode().replaceChild(stock, postbridge);
            }
            removeAll(doc, "//mailet[starts-with(@class,'" + POSTBRIDGE + "') or starts-with(@match,'" + POSTBRIDGE + "')]");
            // processors only Postbridge mailets led to
            removeAll(doc, "//processor[@state='api-delivery']");
        });
    }

    private static void dropPostbridgeLines(Path file) {
        try {
            List<String> kept = Files.readAllLines(file).stream()
                .filter(line -> !line.contains(POSTBRIDGE)).collect(Collectors.toList());
            Files.write(file, kept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void removeAll(Document doc, String xpath) {
        NodeList nodes = ConfFolder.select(doc, xpath);
        for (int i = nodes.getLength() - 1; i >= 0; i--) {
            Node node = nodes.item(i);
            node.getParentNode().removeChild(node);
        }
    }
}
