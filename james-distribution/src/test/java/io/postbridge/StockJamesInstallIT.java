package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.NodeList;

import io.postbridge.api.GrpcClients;
import io.postbridge.api.v1.MailServiceGrpc;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.it.Accounts;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.JamesImage;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * What an operator does with the official image: stock {@code MemoryJamesServerMain} from James's own jars, on the
 * {@code apache/james:memory-3.8.1} image's own conf/ (James's memory-app sample-configuration: JMAP and IMAP on,
 * James's domain list), with exactly the README's recipe on top: the bundle in {@code extensions-jars/}, the conf/
 * files its {@code docker run} mounts, its {@code sed} edits. Proves the bundle loads there without class-path
 * clashes and its module, hook, matcher, mailet and route all work.
 * Test-only changes to the image's files: loopback listeners on free ports and the log in the test folder
 * (the container's {@code /logs} volume).
 */
class StockJamesInstallIT {
    @TempDir
    Path tmp;

    @Test
    void bundleDroppedIntoStockJamesLoadsAndProcessesMail() throws Exception {
        Path james = tmp.resolve("james");
        Files.createDirectories(james.resolve("extensions-jars"));
        Files.copy(Path.of(System.getProperty("postbridge.bundle.jar")), james.resolve("extensions-jars/postbridge-bundle.jar"));
        ConfFolder image = JamesImage.imageConf(JamesImage.MEMORY, james.resolve("conf"));
        assertThat(Files.readString(image.dir().resolve("jmap.properties"))).contains("enabled=true");

        // the operator's copy of Postbridge's conf/, edited as the README says, then mounted over the image's
        Path operator = tmp.resolve("operator");
        ConfFolder conf = ConfFolder.copyOf(ConfFolder.source(), operator.resolve("conf"));
        JamesImage.applyRecipeEdits(JamesImage.MEMORY, operator);
        FakeMx mx = new FakeMx();
        mx.start();
        Ports ports = new Ports();
        ports.applyTo(conf).relayThrough(mx.hostAndPort(), "1 second");
        FakeProviders fake = FakeProviders.start().googleClient("gc", "gs").googleUser("rt-g", "gmailer@example.com")
            .microsoftApp("tenant-1", "mc", "ms");
        ApiDeliverySupport.pointAtFakes(conf, fake, "1 hour");
        // the consent pages' listener (guice.extension.startable in the mounted extensions.properties), on HTTPS with
        // the keystore James generates, with the OAuth client stored later through WebAdmin
        int consentPort = FakeMx.freePort();
        conf.property("postbridge.properties", "consent.enabled", "true")
            .property("postbridge.properties", "consent.web.host", "127.0.0.1")
            .property("postbridge.properties", "consent.web.port", Integer.toString(consentPort))
            .property("postbridge.properties", "consent.web.externalUrl", "https://127.0.0.1:" + consentPort);
        int grpcPort = FakeMx.freePort();
        conf.property("postbridge.properties", "api.grpc.enabled", "true").property("postbridge.properties", "api.grpc.host", "127.0.0.1")
            .property("postbridge.properties", "api.grpc.port", Integer.toString(grpcPort));
        JamesImage.mount(conf, image);
        int jmapPort = onFreeLoopbackPorts(image);

        try (fake; ServerProcess server = ServerProcess.stockJames(james)) {
            server.start().awaitLog(ServerProcess.JAMES_STARTED);
            assertThat(server.log())
                .contains("Enabling injects contained in io.postbridge.auth.PostbridgeModule")
                .contains("Loading WebAdmin route extension")
                .doesNotContain("Postbridge: ready"); // stock James: none of the Postbridge server main

            // the image's JMAP is on (and its keystore, created by James with James's password, is the one SMTP uses)
            assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + jmapPort + "/jmap/session"))
                .header("Accept", "application/json; jmapVersion=rfc-8621").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);

            WebAdmin webAdmin = ports.webAdmin();
            assertThat(webAdmin.put("/postbridge/consent/providers/google",
                "{\"clientId\":\"stock.apps.googleusercontent.com\",\"clientSecret\":\"stock-google-secret\"}").statusCode()).isEqualTo(204);
            String landing = httpsGet("https://127.0.0.1:" + consentPort + "/connect");
            assertThat(landing).contains("Connect your mailbox").contains("id=\"connect-google\"");
            // the image's domain list has only localhost: the README's first step adds the operator's domain
            assertThat(webAdmin.put("/domains/example.com", "").statusCode()).isEqualTo(204);
            webAdmin.addUser("alice@example.com", "alice-secret");
            try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
                smtp.ehlo();
                assertThat(smtp.send("someone@elsewhere.test", "alice@example.com",
                    SmtpClient.message("someone@elsewhere.test", "alice@example.com", "in", "stock-in@test", "inbound")))
                    .startsWith("250");
            }
            try (SmtpClient smtp = SmtpClient.connect(ports.submission)) {
                smtp.ehlo();
                smtp.startTls();
                assertThat(smtp.authPlain("alice@example.com", "alice-secret")).startsWith("235");
                assertThat(smtp.send("alice@example.com", "bob@remote.test",
                    SmtpClient.message("alice@example.com", "bob@remote.test", "out", "stock-out@test", "outbound")))
                    .startsWith("250");
            }

            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> mx.messageIds().contains("<stock-out@test>"));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                Events.typesFor(webAdmin, "stock-in@test").contains("delivered")
                    && Events.typesFor(webAdmin, "stock-out@test").contains("delivered"));
            assertThat(Events.typesFor(webAdmin, "stock-in@test")).containsExactly("received", "delivered");
            assertThat(Events.typesFor(webAdmin, "stock-out@test")).containsExactly("received", "queued", "delivered");

            // API delivery: the shaded token libraries (google-auth-library, msal4j) work inside stock James (the
            // image's logback.xml shows only WARN outside org.apache.james, so this is proven by the deliveries)
            webAdmin.addUser("gmailer@example.com", "pw-gmailer");
            webAdmin.addUser("grapher@example.com", "pw-grapher");
            assertThat(webAdmin.put("/postbridge/provider-accounts/gmailer@example.com",
                "{\"provider\":\"gmail\",\"clientId\":\"gc\",\"clientSecret\":\"gs\",\"refreshToken\":\"rt-g\"}").statusCode())
                .isEqualTo(204);
            assertThat(webAdmin.put("/postbridge/provider-accounts/grapher@example.com",
                "{\"provider\":\"graph\",\"tenant\":\"tenant-1\",\"clientId\":\"mc\",\"clientSecret\":\"ms\"}").statusCode())
                .isEqualTo(204);
            assertThat(webAdmin.getJson("/postbridge/provider-accounts").toString()).contains("gmailer@example.com")
                .doesNotContain("gs").doesNotContain("rt-g");
            for (String user : List.of("gmailer", "grapher")) {
                assertThat(ApiDeliverySupport.submit(ports.submission, user + "@example.com", "pw-" + user,
                    List.of("bob@remote.test"), TestMessages.simple(user + "@example.com", "bob@remote.test", "api",
                        "stock-" + user + "@test").getBytes(java.nio.charset.StandardCharsets.UTF_8))).startsWith("250");
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fake.delivered().size() == 2);
            assertThat(fake.delivered()).extracting(d -> d.provider).containsExactlyInAnyOrder("gmail", "graph");

            // observability (docs/observability.md): Postbridge's series in James's own /metrics (MetricsRoutes in the
            // mounted webadmin.properties), its checks in James's /healthcheck (the mounted healthcheck.properties)
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(webAdmin.get("/metrics").body())
                .contains("postbridge_delivery_gmail_ok_total", "postbridge_delivery_graph_ok_total", "postbridge_queue_spool_depth",
                    "postbridge_smtp_auth_plain_ok_total"));
            com.fasterxml.jackson.databind.JsonNode health = WebAdmin.parse(webAdmin.get("/healthcheck").body());
            List<String> postbridgeChecks = new java.util.ArrayList<>();
            health.path("checks").forEach(check -> {
                if (check.path("componentName").asText().startsWith("Postbridge:")) {
                    postbridgeChecks.add(check.path("componentName").asText() + "=" + check.path("status").asText());
                }
            });
            assertThat(postbridgeChecks).as(health.toString()).contains("Postbridge:store=healthy", "Postbridge:master-key=healthy",
                "Postbridge:disk=healthy").anyMatch(c -> c.startsWith("Postbridge:tokens=")).hasSize(7);
            assertThat(fake.googleTokenRequests()).isEqualTo(1);
            assertThat(fake.microsoftTokenRequests()).isEqualTo(1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                Events.typesFor(webAdmin, "stock-grapher@test").contains("delivered"));

            // the gRPC API: the shaded grpc-java, Netty and protobuf work inside stock James, with TLS on the keystore
            // of the image's smtpserver.xml (James's password, set by the README's sed)
            Accounts accounts = new Accounts(webAdmin);
            accounts.create("stock-app").allowSender("stock-app", "app@example.com");
            String key = accounts.issueKey("stock-app").key;
            java.util.regex.Matcher secret = java.util.regex.Pattern.compile("<secret>([^<]+)</secret>")
                .matcher(Files.readString(image.dir().resolve("smtpserver.xml")));
            assertThat(secret.find()).isTrue();
            io.grpc.ManagedChannel channel = GrpcClients.tls(grpcPort, image.dir().resolve("keystore"), secret.group(1));
            try {
                String messageId = MailServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcClients.bearer(key))
                    .sendMail(io.postbridge.api.v1.SendMailRequest.newBuilder().addTo("bob@remote.test").setFrom("app@example.com")
                        .setSubject("over gRPC").setText("sent with MailService").build())
                    .getMessageId();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> mx.messageIds().contains("<" + messageId + ">"));
            } finally {
                GrpcClients.close(channel);
            }
            // and its HTTPS JSON variant on the public web listener
            HttpResponse<String> validate = HttpClient.newBuilder()
                .sslContext(GrpcClients.trustingServer(image.dir().resolve("keystore"), secret.group(1))).build()
                .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + consentPort + "/api/v1/otp/validate"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"nobody@remote.test\", \"code\": \"123456\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(validate.statusCode()).as(validate.body()).isEqualTo(200);
            assertThat(validate.body()).isEqualTo("{\"valid\":false}");
        } finally {
            mx.stop();
        }
    }

    /** GET over HTTPS trusting James's self-signed certificate (made for its host name, not 127.0.0.1). */
    private static String httpsGet(String url) throws Exception {
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, new java.security.SecureRandom());
        javax.net.ssl.HttpsURLConnection connection = (javax.net.ssl.HttpsURLConnection) URI.create(url).toURL().openConnection();
        connection.setSSLSocketFactory(trustAll.getSocketFactory());
        connection.setHostnameVerifier((host, session) -> true);
        assertThat(connection.getResponseCode()).isEqualTo(200);
        try (java.io.InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Test-only: the image's other listeners on free loopback ports, its log file in the test folder. */
    private static int onFreeLoopbackPorts(ConfFolder image) throws Exception {
        for (String file : List.of("imapserver.xml", "pop3server.xml", "managesieveserver.xml", "lmtpserver.xml")) {
            if (Files.exists(image.dir().resolve(file))) {
                image.xml(file, doc -> {
                    NodeList binds = ConfFolder.select(doc, "//bind");
                    for (int i = 0; i < binds.getLength(); i++) {
                        binds.item(i).setTextContent("127.0.0.1:" + FakeMx.freePort());
                    }
                });
            }
        }
        int jmapPort = FakeMx.freePort();
        image.property("jmap.properties", "jmap.port", String.valueOf(jmapPort));
        Path logback = image.dir().resolve("logback.xml");
        Files.writeString(logback, Files.readString(logback)
            .replace("/logs/", image.dir().getParent().resolve("var/log").toString() + "/")
            .replace("<immediateFlush>false</immediateFlush>", "<immediateFlush>true</immediateFlush>"));
        return jmapPort;
    }
}
