package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.testing.PostgresTestDatabase;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Imap;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * What an operator sets up through WebAdmin and what mail leaves in James (a domain, users, an alias in James's
 * recipient rewrite table, a delivered mail read over IMAP, a failed mail in the {@code error} repository) is still
 * there after {@code kill -9} or a clean stop and a new start: on the embedded default and on PostgreSQL.
 */
class JamesStateSurvivesRestartIT {
    private static final String ERROR_REPOSITORY = "/mailRepositories/var%2Fmail%2Ferror/mails";

    @TempDir
    Path tmp;

    @Test
    void everythingSurvivesKillNineThenACleanStopWhichClosesTheDatabase() throws Exception {
        Path home = scenario(conf -> { }, true);
        assertThat(home.resolve("var/log/derby.log")).as("derby.log under var/log").exists();
        assertThat(home.resolve("derby.log")).doesNotExist();
    }

    @Test
    void everythingSurvivesKillNineOnPostgresql() throws Exception {
        try (PostgresTestDatabase database = PostgresTestDatabase.createOrSkip()) {
            scenario(conf -> conf
                .property("james-database.properties", "database.url",
                    PostgresTestDatabase.URL + "?currentSchema=" + database.schema())
                .property("james-database.properties", "openjpa.jdbc.Schema", database.schema())
                .property("james-database.properties", "database.username", PostgresTestDatabase.USER)
                // the error repository in the database too (the Postbridge server knows jpa://)
                .xml("mailetcontainer.xml", doc -> {
                    for (String xpath : List.of("//errorRepository", "//repositoryPath")) {
                        var nodes = ConfFolder.select(doc, xpath);
                        for (int i = 0; i < nodes.getLength(); i++) {
                            nodes.item(i).setTextContent(nodes.item(i).getTextContent()
                                .replace("file://var/mail/error/", "jpa://var/mail/error/"));
                        }
                    }
                }), false);
            // the password is stored as conf/usersrepository.xml says, never as written
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection(PostgresTestDatabase.URL,
                PostgresTestDatabase.USER, PostgresTestDatabase.PASSWORD);
                 java.sql.ResultSet user = connection.createStatement().executeQuery("SELECT password_hash_algorithm, password FROM "
                     + database.schema() + ".james_user WHERE user_name = 'bob@pb.test'")) {
                assertThat(user.next()).isTrue();
                assertThat(user.getString(1)).startsWith("PBKDF2-SHA512");
                assertThat(user.getString(2)).doesNotContain("bob-secret").hasSizeGreaterThan(40);
            }
        }
    }

    /**
     * Sets everything up, kills the server with {@code kill -9}, starts it and checks; then, if asked, stops it
     * cleanly, starts it and checks again; last, reprocesses the failed mail.
     */
    private Path scenario(java.util.function.Consumer<ConfFolder> database, boolean alsoCleanStop) throws Exception {
        FakeMx mx = new FakeMx(); // where the over-quota bounce goes
        mx.start();
        Ports ports = new Ports();
        Path home = tmp.resolve("postbridge");
        try (ServerProcess server = ServerProcess.postbridge(home)) {
            database.accept(ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second"));
            server.start().awaitLog(ServerProcess.READY);
            WebAdmin webAdmin = ports.webAdmin();

            expect(webAdmin.put("/domains/pb.test", ""), 204);
            webAdmin.addUser("bob@pb.test", "bob-secret");
            webAdmin.addUser("full@pb.test", "full-secret");
            expect(webAdmin.put("/address/aliases/bob@pb.test/sources/robert@pb.test", ""), 204);
            // a mailbox that cannot take any mail: its delivery fails into the error repository
            expect(webAdmin.put("/quota/users/full@pb.test/size", "1"), 204);

            try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
                smtp.ehlo();
                assertThat(smtp.send("carol@elsewhere.test", "robert@pb.test",
                    SmtpClient.message("carol@elsewhere.test", "robert@pb.test", "for bob", "bob-1@state.test", "hello")))
                    .startsWith("250");
                assertThat(smtp.send("carol@elsewhere.test", "full@pb.test",
                    SmtpClient.message("carol@elsewhere.test", "full@pb.test", "for full", "full-1@state.test", "hello")))
                    .startsWith("250");
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                Imap.inboxSubjects(ports.imap, false, "bob@pb.test", "bob-secret").equals(List.of("for bob")));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> webAdmin.getJson(ERROR_REPOSITORY).size() == 1);
            String failedKey = webAdmin.getJson(ERROR_REPOSITORY).get(0).asText();

            server.kill9();
            server.start().awaitLog(ServerProcess.READY);
            everythingIsThere(webAdmin, ports, failedKey, List.of("for bob"));

            // the alias still routes new mail
            try (SmtpClient smtp = SmtpClient.connect(ports.inbound)) {
                smtp.ehlo();
                assertThat(smtp.send("carol@elsewhere.test", "robert@pb.test",
                    SmtpClient.message("carol@elsewhere.test", "robert@pb.test", "again", "bob-2@state.test", "hello")))
                    .startsWith("250");
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                Imap.inboxSubjects(ports.imap, false, "bob@pb.test", "bob-secret").equals(List.of("for bob", "again")));

            if (alsoCleanStop) {
                assertThat(server.stop()).isIn(0, 143);
                assertThat(server.logSinceLastStart()).contains("James data closed").contains("Postbridge: stopped");
                assertThat(home.resolve("var/james/derby/db.lck")).as("Derby closed cleanly").doesNotExist();
                server.start().awaitLog(ServerProcess.READY);
                everythingIsThere(webAdmin, ports, failedKey, List.of("for bob", "again"));
            }

            // the operator makes room and reprocesses the failed mail: it reaches the mailbox
            expect(webAdmin.delete("/quota/users/full@pb.test/size"), 204);
            expect(webAdmin.patch(ERROR_REPOSITORY + "?action=reprocess&processor=transport"), 201);
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                Imap.inboxSubjects(ports.imap, false, "full@pb.test", "full-secret").equals(List.of("for full")));
            assertThat(webAdmin.getJson(ERROR_REPOSITORY)).isEmpty();
        } finally {
            mx.stop();
        }
        return home;
    }

    private static void everythingIsThere(WebAdmin webAdmin, Ports ports, String failedKey, List<String> bobsSubjects)
        throws Exception {
        assertThat(webAdmin.getJson("/domains").toString()).contains("\"pb.test\"");
        assertThat(webAdmin.getJson("/users").toString()).contains("bob@pb.test").contains("full@pb.test");
        assertThat(webAdmin.getJson("/address/aliases/bob@pb.test").toString()).contains("robert@pb.test");
        assertThat(Imap.inboxSubjects(ports.imap, false, "bob@pb.test", "bob-secret")).isEqualTo(bobsSubjects);
        assertThat(Imap.inboxSubjects(ports.imaps, true, "bob@pb.test", "bob-secret")).isEqualTo(bobsSubjects);
        JsonNode failed = webAdmin.getJson(ERROR_REPOSITORY);
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).asText()).isEqualTo(failedKey);
    }

    private static void expect(java.net.http.HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.request().method() + " " + response.request().uri() + ": " + response.body())
            .isEqualTo(status);
    }
}
