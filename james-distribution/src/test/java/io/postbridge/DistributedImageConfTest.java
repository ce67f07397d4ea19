package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.postbridge.it.ConfFolder;
import io.postbridge.it.JamesImage;

/**
 * The README's install recipe on the official images' conf/ as far as it can be checked without starting them: the
 * distributed image needs Cassandra, RabbitMQ, OpenSearch and S3, which are not here, so it is never started (the
 * memory image is started by {@link StockJamesInstallIT}). What is checked, for both images: every file parses; every
 * mail repository Postbridge's mailetcontainer.xml names uses a protocol the image declares; James's JMAP start-up
 * check finds VacationMailet and JMAPFiltering; smtpserver.xml opens the image's keystore with its password; the
 * Guice module and the routes are declared. Each check is also shown to catch the conf/ without the README's edits.
 */
class DistributedImageConfTest {
    private static final Pattern REPOSITORY_URL = Pattern.compile("\\b([a-z][a-z0-9+.-]*)://var/");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {JamesImage.DISTRIBUTED, JamesImage.MEMORY})
    void theRecipeGivesAConfigurationTheImageAccepts(String app) throws Exception {
        ConfFolder image = installed(app, true);

        for (Path file : files(image.dir())) {
            if (file.toString().endsWith(".xml")) {
                parse(file); // throws on a malformed file
            }
        }
        assertThat(undeclaredRepositoryProtocols(image)).as("mail repository protocols the image does not declare").isEmpty();
        assertThat(properties(image.dir().resolve("jmap.properties")).getProperty("enabled")).isEqualTo("true");
        assertThat(jmapMailetsMissing(image)).as("James's JMAP start-up check").isEmpty();
        assertThat(smtpSecrets(image)).as("smtpserver.xml secrets").containsOnly(keystoreSecret(image));
        assertThat(properties(image.dir().resolve("extensions.properties")).getProperty("guice.extension.module"))
            .isEqualTo("io.postbridge.auth.PostbridgeModule");
        assertThat(properties(image.dir().resolve("webadmin.properties")).getProperty("extensions.routes"))
            .contains("io.postbridge.auth.webadmin.AccountRoutes", "io.postbridge.auth.webadmin.ProviderAccountRoutes");
        assertThat(image.dir().resolve("postbridge.properties")).exists();
    }

    @Test
    void withoutTheReadmesEditsTheChecksFindWhatWouldStopTheDistributedImage() throws Exception {
        ConfFolder image = installed(JamesImage.DISTRIBUTED, false);

        assertThat(undeclaredRepositoryProtocols(image)).containsExactly("file");
        assertThat(smtpSecrets(image)).containsOnly("postbridge-change-me").doesNotContain(keystoreSecret(image));
        // James's own mailetcontainer.xml of the image passes the JMAP check; one without the two mailets does not
        assertThat(jmapMailetsMissing(JamesImage.imageConf(JamesImage.DISTRIBUTED, tmp.resolve("stock")))).isEmpty();
        image.xml("mailetcontainer.xml", doc -> {
            NodeList mailets = ConfFolder.select(doc, "//mailet[@class='VacationMailet']");
            for (int i = 0; i < mailets.getLength(); i++) {
                mailets.item(i).getParentNode().removeChild(mailets.item(i));
            }
        });
        assertThat(jmapMailetsMissing(image)).containsExactly("VacationMailet");
    }

    /** The image's conf/ with Postbridge's files mounted on it, after the README's edits when {@code edited}. */
    private ConfFolder installed(String app, boolean edited) throws IOException, InterruptedException {
        Path operator = tmp.resolve("operator-" + app);
        ConfFolder conf = ConfFolder.copyOf(ConfFolder.source(), operator.resolve("conf"));
        if (edited) {
            JamesImage.applyRecipeEdits(app, operator);
        }
        ConfFolder image = JamesImage.imageConf(app, tmp.resolve("image-" + app + "/conf"));
        JamesImage.mount(conf, image);
        return image;
    }

    /** Protocols of the repository URLs in mailetcontainer.xml that mailrepositorystore.xml does not declare. */
    private static Set<String> undeclaredRepositoryProtocols(ConfFolder image) throws Exception {
        Set<String> declared = new TreeSet<>();
        NodeList protocols = parse(image.dir().resolve("mailrepositorystore.xml")).getElementsByTagName("protocol");
        for (int i = 0; i < protocols.getLength(); i++) {
            declared.add(protocols.item(i).getTextContent().trim());
        }
        assertThat(declared).as("sanity: the image declares repository protocols").isNotEmpty();
        Set<String> used = new TreeSet<>();
        Matcher url = REPOSITORY_URL.matcher(parse(image.dir().resolve("mailetcontainer.xml")).getDocumentElement().getTextContent());
        while (url.find()) {
            used.add(url.group(1));
        }
        assertThat(used).as("sanity: mailetcontainer.xml names mail repositories").isNotEmpty();
        used.removeAll(declared);
        return used;
    }

    /**
     * James 3.8.1's JMAPModule check, on the XML: VacationMailet and JMAPFiltering each either in "transport" behind
     * RecipientIsLocal, or in "local-delivery" behind All. Returns the short names of those it does not find.
     */
    private static List<String> jmapMailetsMissing(ConfFolder image) throws Exception {
        Document doc = parse(image.dir().resolve("mailetcontainer.xml"));
        List<String> missing = new ArrayList<>();
        for (String[] mailet : new String[][] {
            {"VacationMailet", "org.apache.james.transport.mailets.VacationMailet"},
            {"JMAPFiltering", "org.apache.james.jmap.mailet.filter.JMAPFiltering"}}) {
            if (!present(doc, "transport", "RecipientIsLocal", mailet) && !present(doc, "local-delivery", "All", mailet)) {
                missing.add(mailet[0]);
            }
        }
        return missing;
    }

    private static boolean present(Document doc, String processor, String matcher, String[] mailet) {
        NodeList mailets = ConfFolder.select(doc, "//processor[@state='" + processor + "']/mailet");
        for (int i = 0; i < mailets.getLength(); i++) {
            Element element = (Element) mailets.item(i);
            String type = element.getAttribute("class");
            if ((type.equals(mailet[1]) || (type.equals(mailet[0]) && mailet[1].startsWith("org.apache.james.transport.mailets.")))
                && element.getAttribute("match").equals(matcher)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> smtpSecrets(ConfFolder image) throws Exception {
        NodeList secrets = ConfFolder.select(parse(image.dir().resolve("smtpserver.xml")), "//tls/secret");
        Set<String> values = new TreeSet<>();
        for (int i = 0; i < secrets.getLength(); i++) {
            values.add(secrets.item(i).getTextContent().trim());
        }
        assertThat(values).as("sanity: smtpserver.xml has TLS secrets").isNotEmpty();
        return values;
    }

    /** The password of conf/keystore as the image's other listeners open it (and JMAP creates it). */
    private static String keystoreSecret(ConfFolder image) throws Exception {
        String jmap = properties(image.dir().resolve("jmap.properties")).getProperty("tls.secret");
        NodeList imap = ConfFolder.select(parse(image.dir().resolve("imapserver.xml")), "//tls/secret");
        assertThat(imap.getLength()).isPositive();
        for (int i = 0; i < imap.getLength(); i++) {
            assertThat(imap.item(i).getTextContent().trim()).as("the image's own listeners agree").isEqualTo(jmap);
        }
        return jmap;
    }

    private static Document parse(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return properties;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }
}
