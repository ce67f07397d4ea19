package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.postbridge.core.alias.AliasDefinition;
import io.postbridge.core.alias.AliasRepository;
import io.postbridge.core.alias.AliasSource;
import io.postbridge.core.alias.DisabledMode;
import io.postbridge.core.testing.MutableClock;

/**
 * What the stored run-time aliases must do, on the embedded H2 database and on PostgreSQL (the subclasses). Each
 * "node" is a repository on its own connection pool to the same database, as two James servers would have.
 */
public abstract class AliasRepositoryContract {
    private static final Duration TTL = Duration.ofSeconds(5);

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:15:30Z"));
    private final List<Database> opened = new ArrayList<>();
    private AliasRepository node;

    /** Where a fresh, empty database is (called once per test; every node opens these settings). */
    protected abstract StoreSettings freshStore();

    /** Releases what {@link #freshStore()} created, after the nodes are closed. */
    protected void dropStore() {
    }

    private StoreSettings settings;

    @BeforeEach
    void openFirstNode() {
        settings = freshStore();
        node = openNode();
    }

    @AfterEach
    void closeNodes() {
        opened.forEach(Database::close);
        dropStore();
    }

    /** Another James node (or the same one after a restart): a new pool, schema migrated, empty cache. */
    private AliasRepository openNode() {
        Database database = Database.open(settings);
        opened.add(database);
        return new JdbcAliasRepository(new Jdbc(database.dataSource()), clock, TTL);
    }

    private static AliasDefinition alias(String source, List<String> targets, boolean keepTag, DisabledMode disabled) {
        return AliasDefinition.of(source, targets, keepTag, disabled);
    }

    @Test
    void everyFieldSurvivesARestart() {
        AliasDefinition several = alias("info@example.com",
            List.of("zoe@example.com", "Alice.Smith@Partner.Example", "bob@example.net", "josé@example.org"), true, DisabledMode.NO);
        AliasDefinition pattern = alias("support-*-?@example.com", List.of("desk+$1-$2@example.net", "$2.$1@example.com"),
            false, DisabledMode.NO);
        AliasDefinition trap = alias("trap@example.com", List.of(), false, DisabledMode.DROP);
        AliasDefinition gone = alias("old@example.com", List.of("alice@example.com"), true, DisabledMode.REJECT);
        AliasDefinition catchAll = alias("*@example.org", List.of("alice@example.com"), false, DisabledMode.NO);
        List.of(several, pattern, trap, gone, catchAll).forEach(node::put);

        AliasRepository restarted = openNode();

        assertThat(restarted.list()).containsExactlyInAnyOrder(several, pattern, trap, gone, catchAll);
        AliasDefinition reread = restarted.get("info@example.com").orElseThrow();
        // target order and the case of local parts as given; domains lower case (as AliasDefinition normalises)
        assertThat(reread.targets())
            .containsExactly("zoe@example.com", "Alice.Smith@partner.example", "bob@example.net", "josé@example.org");
        assertThat(reread.keepTag()).isTrue();
        assertThat(reread.disabled()).isEqualTo(DisabledMode.NO);
        assertThat(restarted.get("support-*-?@example.com").orElseThrow().targets())
            .containsExactly("desk+$1-$2@example.net", "$2.$1@example.com");
        assertThat(restarted.get("support-*-?@example.com").orElseThrow().source().kind()).isEqualTo(AliasSource.Kind.PATTERN);
        assertThat(restarted.get("trap@example.com").orElseThrow().disabled()).isEqualTo(DisabledMode.DROP);
        assertThat(restarted.get("trap@example.com").orElseThrow().targets()).isEmpty();
        assertThat(restarted.get("old@example.com").orElseThrow().disabled()).isEqualTo(DisabledMode.REJECT);
        assertThat(restarted.get("old@example.com").orElseThrow().keepTag()).isTrue();
        assertThat(restarted.get("@example.org").orElseThrow().source().kind()).isEqualTo(AliasSource.Kind.CATCH_ALL);
    }

    @Test
    void putReplacesTheWholeAlias() {
        node.put(alias("sales@example.com", List.of("a@example.net", "b@example.net", "c@example.net"), true, DisabledMode.NO));
        AliasDefinition replacement = alias("sales@example.com", List.of("d@example.net"), false, DisabledMode.REJECT);

        node.put(replacement);

        assertThat(node.get("sales@example.com")).contains(replacement);
        assertThat(node.list()).containsExactly(replacement);
        AliasRepository restarted = openNode();
        assertThat(restarted.get("sales@example.com")).contains(replacement);
        assertThat(restarted.list()).containsExactly(replacement);
    }

    @Test
    void removeDeletesTheAliasAndItsTargetsAndSaysWhetherThereWasOne() {
        node.put(alias("info@example.com", List.of("alice@example.com", "bob@example.net"), false, DisabledMode.NO));
        node.put(alias("sales@example.com", List.of("carol@example.net"), false, DisabledMode.NO));

        assertThat(node.remove("info@example.com")).isTrue();
        assertThat(node.remove("info@example.com")).isFalse();
        assertThat(node.remove("never@example.com")).isFalse();

        assertThat(node.get("info@example.com")).isEmpty();
        AliasRepository restarted = openNode();
        assertThat(restarted.list()).extracting(a -> a.source().key()).containsExactly("sales@example.com");
        // re-created with fewer targets: none of the old ones comes back
        node.put(alias("info@example.com", List.of("zoe@example.com"), false, DisabledMode.NO));
        assertThat(openNode().get("info@example.com").orElseThrow().targets()).containsExactly("zoe@example.com");
    }

    @Test
    void listIsOrderedBySourceKeyWhateverTheWriteOrder() {
        // Java String order: '-' (0x2d) sorts before letters, '@' (catch-all) before everything written here.
        // A locale collation (en_US) would put "ab@" before "a-c@" - the list must not depend on the database's.
        for (String source : List.of("zed@a.test", "support-*@example.com", "ab@example.com", "@example.com",
            "Info@Example.com", "a-c@example.com", "a@example.com")) {
            node.put(alias(source, List.of("t@example.net"), false, DisabledMode.NO));
        }
        List<String> expected = List.of("@example.com", "a-c@example.com", "a@example.com", "ab@example.com",
            "info@example.com", "support-*@example.com", "zed@a.test");

        assertThat(node.list()).extracting(a -> a.source().key()).containsExactlyElementsOf(expected);
        assertThat(openNode().list()).extracting(a -> a.source().key()).containsExactlyElementsOf(expected);
    }

    @Test
    void aWriteIsSeenAtOnceByItsNodeAndByAnotherNodeAfterTheCacheTtl() {
        AliasRepository other = openNode();
        assertThat(other.list()).isEmpty(); // other node has loaded its snapshot
        AliasDefinition info = alias("info@example.com", List.of("alice@example.com"), false, DisabledMode.NO);

        node.put(info);

        assertThat(node.get("info@example.com")).contains(info);
        // the documented staleness: the other node still forwards with what it loaded ...
        assertThat(other.get("info@example.com")).isEmpty();
        clock.advance(TTL.minusMillis(1));
        assertThat(other.list()).isEmpty();
        // ... until the TTL has passed
        clock.advance(Duration.ofMillis(1));
        assertThat(other.get("info@example.com")).contains(info);
        assertThat(other.list()).containsExactly(info);

        AliasDefinition changed = alias("info@example.com", List.of("bob@example.net"), true, DisabledMode.NO);
        node.put(changed);
        node.put(alias("sales@example.com", List.of("carol@example.net"), false, DisabledMode.NO));
        assertThat(node.remove("sales@example.com")).isTrue();
        clock.advance(TTL);
        assertThat(other.list()).containsExactly(changed);
        assertThat(node.list()).containsExactly(changed);

        assertThat(other.remove("info@example.com")).isTrue();
        assertThat(other.list()).isEmpty();
        assertThat(node.get("info@example.com")).contains(changed);
        clock.advance(TTL);
        assertThat(node.get("info@example.com")).isEmpty();
    }

    @Test
    void aClockThatGoesBackDoesNotKeepAStaleSnapshot() {
        AliasRepository other = openNode();
        assertThat(other.list()).isEmpty();
        node.put(alias("info@example.com", List.of("alice@example.com"), false, DisabledMode.NO));

        clock.advance(Duration.ofHours(-1));

        assertThat(other.get("info@example.com")).isPresent();
    }

    @Test
    void aNodeKeepsForwardingWithItsCopyWhileTheStoreIsUnreachable() {
        AliasDefinition info = alias("info@example.com", List.of("alice@example.com"), false, DisabledMode.NO);
        node.put(info);
        assertThat(node.list()).containsExactly(info);

        opened.get(0).close(); // this node loses its database
        clock.advance(TTL.multipliedBy(3));

        assertThat(node.get("info@example.com")).contains(info);
        assertThat(node.list()).containsExactly(info);
        assertThatThrownBy(() -> node.put(alias("sales@example.com", List.of("carol@example.net"), false, DisabledMode.NO)))
            .isInstanceOf(StoreException.class);
    }

    @Test
    void aNodeWithoutACopyFailsTheLookupWhileTheStoreIsUnreachable() {
        node.put(alias("info@example.com", List.of("alice@example.com"), false, DisabledMode.NO));
        AliasRepository started = openNode();
        opened.get(opened.size() - 1).close();

        // the RCPT hook turns this into 451 4.3.0: the sender retries, nothing is accepted blindly
        assertThatThrownBy(() -> started.get("info@example.com")).isInstanceOf(StoreException.class);
    }

    @Test
    void concurrentWritesOfOneAliasOnTwoNodesLeaveOneWholeVersion() throws Exception {
        AliasRepository other = openNode();
        List<List<String>> versions = new ArrayList<>();
        List<Callable<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            List<String> targets = List.of("w" + i + "a@example.net", "w" + i + "b@example.net", "w" + i + "c@example.net");
            versions.add(targets);
            AliasRepository writer = i % 2 == 0 ? node : other;
            writers.add(() -> {
                writer.put(alias("race@example.com", targets, false, DisabledMode.NO));
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Void> done : pool.invokeAll(writers)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> stored = openNode().get("race@example.com").orElseThrow().targets();
        assertThat(versions).contains(stored);
    }

    @Test
    void aRowThisVersionCannotReadIsSkippedAndTheOthersStillWork() {
        node.put(alias("info@example.com", List.of("alice@example.com"), false, DisabledMode.NO));
        // hand-edited: an enabled alias without a target
        Database database = opened.get(0);
        new Jdbc(database.dataSource()).update(
            "INSERT INTO pb_alias (address, keep_tag, disabled, updated_at) VALUES ('broken@example.com', FALSE, 'no', 0)");

        AliasRepository restarted = openNode();

        assertThat(restarted.list()).extracting(a -> a.source().key()).containsExactly("info@example.com");
        assertThat(restarted.get("broken@example.com")).isEmpty();
    }
}
