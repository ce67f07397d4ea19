package io.postbridge.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.subethamail.wiser.WiserMessage;

import io.postbridge.dkim.DkimTestKeys;
import io.postbridge.it.Accounts;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;

/**
 * What the gRPC and the HTTPS API tests share: an in-process James that relays through the fake MX and signs with the
 * test DKIM key, the account {@code shop} (may send as anyone at example.com) with its API key, the server's keystore,
 * and the wait for a message at the fake MX.
 */
final class ApiFixture {
    static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
    static final DkimTestKeys KEYS = new DkimTestKeys("example.com");
    /** The secret of the sample configuration's keystore. */
    static final String KEYSTORE_PASSWORD = "postbridge-change-me";

    private final FakeMx mx;
    private Path conf;
    private WebAdmin webAdmin;
    private Accounts accounts;
    private String shopKey;

    ApiFixture(FakeMx mx) {
        this.mx = mx;
    }

    /** The James under test, with these postbridge.properties on top of the sample configuration. */
    JamesServerExtension james(Map<String, String> postbridgeProperties) {
        return PostbridgeJames.extension(folder -> {
            conf = folder.dir();
            folder.relayThrough(mx.hostAndPort(), "1 second");
            KEYS.install(folder);
            postbridgeProperties.forEach((key, value) -> folder.property("postbridge.properties", key, value));
        });
    }

    /** Once James runs: its WebAdmin, and the account {@code shop} with a fresh API key. */
    void openShop(JamesServerExtension james) throws Exception {
        webAdmin = PostbridgeJames.webAdmin(james.getGuiceJamesServer());
        accounts = new Accounts(webAdmin);
        accounts.create("shop").allowSender("shop", "@example.com");
        shopKey = accounts.issueKey("shop").key;
    }

    WebAdmin webAdmin() {
        return webAdmin;
    }

    Accounts accounts() {
        return accounts;
    }

    String shopKey() {
        return shopKey;
    }

    /** The keystore James's listeners present (the sample configuration's). */
    Path keystore() {
        return conf.resolve("keystore");
    }

    /** The copies of one message the fake MX received, once there are at least {@code copies}. */
    List<WiserMessage> delivered(String messageId, int copies) {
        AWAIT.until(() -> mx.messages().stream().filter(m -> FakeMx.messageId(m).equals("<" + messageId + ">")).count() >= copies);
        return mx.messages().stream().filter(m -> FakeMx.messageId(m).equals("<" + messageId + ">")).collect(Collectors.toList());
    }
}
