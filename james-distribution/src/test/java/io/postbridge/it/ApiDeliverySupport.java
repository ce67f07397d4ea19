package io.postbridge.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.fakes.FakeProviders;

/** Test helpers for API delivery: conf/ edits pointing ApiDelivery at the fakes, SMTP submission, DSN capture. */
public final class ApiDeliverySupport {
    public static final String API_DELIVERY = "io.postbridge.mailets.ApiDelivery";
    public static final String DSN_REPOSITORY = "var/mail/dsn/";

    private ApiDeliverySupport() {
    }

    /** ApiDelivery talks to the fakes and retries quickly. */
    public static ConfFolder pointAtFakes(ConfFolder conf, FakeProviders fake, String retryWindow) {
        return conf.mailetParameter(API_DELIVERY, "googleTokenEndpoint", fake.googleTokenUri().toString())
            .mailetParameter(API_DELIVERY, "gmailEndpoint", fake.gmailBase().toString())
            .mailetParameter(API_DELIVERY, "graphEndpoint", fake.graphBase().toString())
            .mailetParameter(API_DELIVERY, "microsoftIdentityEndpoint", fake.microsoftIdentity().toString())
            .mailetParameter(API_DELIVERY, "retryInitialDelay", "1 second")
            .mailetParameter(API_DELIVERY, "retryMaxDelay", "2 seconds")
            .mailetParameter(API_DELIVERY, "retryWindow", retryWindow)
            .mailetParameter(API_DELIVERY, "requestTimeout", "10 seconds")
            // load tests send more than the default 60 messages per minute and account
            .property("postbridge.properties", "rateLimit.messagesPerMinute", "1000000")
            .property("postbridge.properties", "rateLimit.recipientsPerDay", "1000000");
    }

    /** Keeps a copy of every null-sender message (the DSNs) in memory://var/mail/dsn/, then lets it go on. */
    public static ConfFolder captureDsns(ConfFolder conf) {
        return conf.xml("mailetcontainer.xml", doc -> {
            Element root = (Element) ConfFolder.select(doc, "//processor[@state='root']").item(0);
            Element mailet = doc.createElement("mailet");
            mailet.setAttribute("match", "SenderIsNull");
            mailet.setAttribute("class", "ToRepository");
            ConfFolder.appendChild(mailet, "repositoryPath", "memory://" + DSN_REPOSITORY);
            ConfFolder.appendChild(mailet, "passThrough", "true");
            Node first = root.getFirstChild();
            root.insertBefore(mailet, first);
        });
    }

    /** AUTH on the submission port, then one transaction with several RCPTs; returns the reply to the final dot. */
    public static String submit(int port, String user, String password, List<String> recipients, byte[] message) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(port)) {
            smtp.ehlo();
            smtp.startTls();
            String auth = smtp.authPlain(user, password);
            if (!auth.startsWith("235")) {
                return auth;
            }
            return transaction(smtp, user, recipients, message);
        }
    }

    public static String transaction(SmtpClient smtp, String sender, List<String> recipients, byte[] message) throws IOException {
        String mail = smtp.mailFrom(sender);
        if (!mail.startsWith("250")) {
            return mail;
        }
        for (String recipient : recipients) {
            String rcpt = smtp.rcptTo(recipient);
            if (!rcpt.startsWith("250")) {
                return rcpt;
            }
        }
        // commons-net writes characters as ISO-8859-1: this passes the UTF-8 bytes through unchanged
        return smtp.data(new String(message, StandardCharsets.ISO_8859_1));
    }

    /** The raw messages in a memory mail repository, via WebAdmin. */
    public static List<byte[]> repositoryMails(WebAdmin webAdmin, int port, String repository) throws Exception {
        String path = "/mailRepositories/" + URLEncoder.encode(repository, StandardCharsets.UTF_8) + "/mails";
        List<byte[]> mails = new ArrayList<>();
        HttpResponse<String> list = webAdmin.get(path);
        if (list.statusCode() != 200) {
            return mails;
        }
        HttpClient http = HttpClient.newHttpClient();
        for (JsonNode key : WebAdmin.parse(list.body())) {
            HttpResponse<byte[]> mail = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path + "/"
                    + URLEncoder.encode(key.asText(), StandardCharsets.UTF_8))).header("Accept", "message/rfc822").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
            mails.add(mail.body());
        }
        return mails;
    }

    /** The header names that come before {@code original} inside {@code uploaded} (what the relay added). */
    public static List<String> addedHeaderNames(byte[] uploaded, byte[] original) {
        int prefix = uploaded.length - original.length;
        String added = new String(uploaded, 0, Math.max(prefix, 0), StandardCharsets.UTF_8);
        List<String> names = new ArrayList<>();
        for (String line : added.split("\r\n")) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && line.contains(":")) {
                names.add(line.substring(0, line.indexOf(':')));
            }
        }
        return names;
    }

}
