package io.postbridge.core.alias;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AliasResolverTest {
    /** example.com and example.org are local; alice, bob and info-owner are users. */
    static final LocalMailboxes MAILBOXES = new LocalMailboxes() {
        @Override
        public boolean isLocalDomain(String domain) {
            return Set.of("example.com", "example.org").contains(domain.toLowerCase(Locale.ROOT));
        }

        @Override
        public boolean isLocalUser(String address) {
            return Set.of("alice@example.com", "bob@example.com", "info-owner@example.com")
                .contains(address.toLowerCase(Locale.ROOT));
        }
    };

    private final List<AliasDefinition> configured = new ArrayList<>();
    private final InMemoryAliasRepository runtime = new InMemoryAliasRepository();
    private AliasResolver.Settings settings = AliasResolver.Settings.defaults();

    private void alias(String source, String... targets) {
        configured.add(AliasDefinition.of(source, List.of(targets), false, DisabledMode.NO));
    }

    private Resolution resolve(String recipient) {
        return new AliasResolver(new AliasCatalog(configured, runtime), MAILBOXES, settings).resolve(recipient);
    }

    private static List<String> targets(Resolution resolution) {
        return resolution.targets().stream().map(Resolution.Target::address).collect(Collectors.toList());
    }

    @Test
    void severalTargetsLocalAndExternal() {
        alias("info@example.com", "alice@example.com", "carol@gmail.example");
        Resolution resolution = resolve("info@example.com");
        assertThat(resolution.outcome()).isEqualTo(Resolution.Outcome.FORWARD);
        assertThat(resolution.targets()).extracting(Resolution.Target::address, Resolution.Target::isLocal)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("alice@example.com", true),
                org.assertj.core.groups.Tuple.tuple("carol@gmail.example", false));
        assertThat(resolution.alias().get().origin()).isEqualTo(AliasCatalog.Origin.CONFIG);
    }

    @Test
    void lookupIgnoresCase() {
        alias("info@example.com", "alice@example.com");
        assertThat(targets(resolve("INFO@Example.Com"))).containsExactly("alice@example.com");
    }

    @Test
    void usersAndUnknownAddressesAreNotAliases() {
        alias("info@example.com", "alice@example.com");
        assertThat(resolve("alice@example.com").outcome()).isEqualTo(Resolution.Outcome.NOT_ALIAS);
        assertThat(resolve("nobody@example.com").outcome()).isEqualTo(Resolution.Outcome.NOT_ALIAS);
    }

    @Test
    void aliasesOnlyApplyToLocalDomains() {
        alias("info@remote.example", "alice@example.com");
        assertThat(resolve("info@remote.example").outcome()).isEqualTo(Resolution.Outcome.NOT_ALIAS);
    }

    @Nested
    class CatchAllAndPatterns {
        @Test
        void catchAllTakesUnknownAddressesButNeverAUsersMail() {
            alias("@example.com", "alice@example.com");
            assertThat(targets(resolve("whatever@example.com"))).containsExactly("alice@example.com");
            assertThat(resolve("bob@example.com").outcome()).isEqualTo(Resolution.Outcome.NOT_ALIAS);
            assertThat(resolve("bob+tag@example.com").outcome()).isEqualTo(Resolution.Outcome.NOT_ALIAS);
            assertThat(resolve("whatever@example.org").outcome()).isEqualTo(Resolution.Outcome.NOT_ALIAS);
        }

        @Test
        void exactAliasBeatsPatternBeatsCatchAll() {
            alias("@example.com", "catchall@gmail.example");
            alias("support-*@example.com", "helpdesk@gmail.example");
            alias("support-vip@example.com", "boss@gmail.example");
            assertThat(targets(resolve("support-vip@example.com"))).containsExactly("boss@gmail.example");
            assertThat(targets(resolve("support-x@example.com"))).containsExactly("helpdesk@gmail.example");
            assertThat(targets(resolve("sales@example.com"))).containsExactly("catchall@gmail.example");
        }

        @Test
        void mostSpecificPatternWins() {
            alias("sales-*@example.com", "sales@gmail.example");
            alias("sales-eu-*@example.com", "eu@gmail.example");
            assertThat(targets(resolve("sales-eu-fr@example.com"))).containsExactly("eu@gmail.example");
            assertThat(targets(resolve("sales-us@example.com"))).containsExactly("sales@gmail.example");
        }

        @Test
        void capturesFillTheTargets() {
            alias("support-*@example.com", "helpdesk+$1@gmail.example");
            assertThat(targets(resolve("Support-Billing@example.com"))).containsExactly("helpdesk+billing@gmail.example");
        }
    }

    @Nested
    class PlusAddressing {
        @Test
        void taggedAddressReachesTheAliasAndTheTagIsDroppedByDefault() {
            alias("sales@example.com", "carol@gmail.example");
            Resolution resolution = resolve("sales+newsletter@example.com");
            assertThat(resolution.alias().get().definition().source().key()).isEqualTo("sales@example.com");
            assertThat(targets(resolution)).containsExactly("carol@gmail.example");
        }

        @Test
        void keepTagPassesTheTagOnToEveryTarget() {
            configured.add(AliasDefinition.of("sales@example.com", List.of("carol@gmail.example", "alice@example.com"),
                true, DisabledMode.NO));
            assertThat(targets(resolve("sales+News@example.com")))
                .containsExactly("carol+News@gmail.example", "alice+News@example.com");
            assertThat(targets(resolve("sales@example.com"))).containsExactly("carol@gmail.example", "alice@example.com");
        }

        @Test
        void aliasWrittenWithTheTagWinsOverTheUntaggedAlias() {
            alias("sales@example.com", "carol@gmail.example");
            alias("sales+vip@example.com", "boss@gmail.example");
            assertThat(targets(resolve("sales+vip@example.com"))).containsExactly("boss@gmail.example");
        }

        @Test
        void patternsMatchTheAddressWithoutTheTag() {
            configured.add(AliasDefinition.of("team-*@example.com", List.of("$1@gmail.example"), true, DisabledMode.NO));
            assertThat(targets(resolve("team-dev+ci@example.com"))).containsExactly("dev+ci@gmail.example");
        }

        @Test
        void delimiterCanBeChangedOrTurnedOff() {
            alias("sales@example.com", "carol@gmail.example");
            settings = new AliasResolver.Settings("-", 8, 50);
            assertThat(targets(resolve("sales-x@example.com"))).containsExactly("carol@gmail.example");
            settings = new AliasResolver.Settings("", 8, 50);
            assertThat(resolve("sales+x@example.com").outcome()).isEqualTo(Resolution.Outcome.NOT_ALIAS);
        }
    }

    @Nested
    class Disabled {
        @Test
        void rejectAndDropModes() {
            configured.add(AliasDefinition.of("old@example.com", List.of("alice@example.com"), false, DisabledMode.REJECT));
            configured.add(AliasDefinition.of("trap@example.com", List.of(), false, DisabledMode.DROP));
            assertThat(resolve("old@example.com").outcome()).isEqualTo(Resolution.Outcome.DISABLED_REJECT);
            assertThat(resolve("old+x@example.com").outcome()).isEqualTo(Resolution.Outcome.DISABLED_REJECT);
            assertThat(resolve("trap@example.com").outcome()).isEqualTo(Resolution.Outcome.DISABLED_DROP);
        }

        @Test
        void disabledNestedAliasContributesNothing() {
            alias("team@example.com", "old@example.com", "alice@example.com");
            configured.add(AliasDefinition.of("old@example.com", List.of("carol@gmail.example"), false, DisabledMode.REJECT));
            assertThat(targets(resolve("team@example.com"))).containsExactly("alice@example.com");
        }
    }

    @Nested
    class Nesting {
        @Test
        void aliasesOfAliasesAreExpandedAndDeduplicated() {
            alias("all@example.com", "dev@example.com", "ops@example.com");
            alias("dev@example.com", "alice@example.com", "carol@gmail.example");
            alias("ops@example.com", "bob@example.com", "Carol@gmail.example");
            assertThat(targets(resolve("all@example.com")))
                .containsExactly("alice@example.com", "carol@gmail.example", "bob@example.com");
        }

        @Test
        void targetEqualToItsAliasKeepsACopy() {
            alias("info-owner@example.com", "info-owner@example.com", "carol@gmail.example");
            assertThat(targets(resolve("info-owner@example.com")))
                .containsExactly("info-owner@example.com", "carol@gmail.example");
        }

        @Test
        void loopIsDetectedAndNamed() {
            runtime.put(AliasDefinition.of("a@example.com", List.of("b@example.com"), false, DisabledMode.NO));
            runtime.put(AliasDefinition.of("b@example.com", List.of("c@example.com", "alice@example.com"), false, DisabledMode.NO));
            runtime.put(AliasDefinition.of("c@example.com", List.of("a@example.com"), false, DisabledMode.NO));
            Resolution resolution = resolve("a@example.com");
            assertThat(resolution.outcome()).isEqualTo(Resolution.Outcome.LOOP);
            assertThat(resolution.detail()).isEqualTo("alias loop: a@example.com -> b@example.com -> c@example.com -> a@example.com");
        }

        @Test
        void loopThroughACatchAll() {
            alias("@example.com", "x@example.org");
            alias("@example.org", "y@example.com");
            assertThat(resolve("z@example.com").outcome()).isEqualTo(Resolution.Outcome.LOOP);
        }

        @Test
        void depthLimit() {
            settings = new AliasResolver.Settings("+", 3, 50);
            alias("l1@example.com", "l2@example.com");
            alias("l2@example.com", "l3@example.com");
            alias("l3@example.com", "alice@example.com");
            assertThat(targets(resolve("l1@example.com"))).containsExactly("alice@example.com");
            alias("l0@example.com", "l1@example.com");
            Resolution tooDeep = resolve("l0@example.com");
            assertThat(tooDeep.outcome()).isEqualTo(Resolution.Outcome.TOO_DEEP);
            assertThat(tooDeep.detail()).contains("deeper than 3").contains("l0@example.com -> l1@example.com");
        }
    }

    @Test
    void targetCap() {
        settings = new AliasResolver.Settings("+", 8, 3);
        alias("three@example.com", "a@gmail.example", "b@gmail.example", "c@gmail.example");
        alias("four@example.com", "a@gmail.example", "b@gmail.example", "c@gmail.example", "d@gmail.example");
        assertThat(resolve("three@example.com").targets()).hasSize(3);
        Resolution four = resolve("four@example.com");
        assertThat(four.outcome()).isEqualTo(Resolution.Outcome.TOO_MANY_TARGETS);
        assertThat(four.detail()).contains("more than 3 targets");
    }

    @Test
    void runtimeAliasOverridesTheConfiguredOneWithTheSameAddress() {
        alias("info@example.com", "alice@example.com");
        runtime.put(AliasDefinition.of("Info@Example.com", List.of("carol@gmail.example"), false, DisabledMode.NO));
        Resolution resolution = resolve("info@example.com");
        assertThat(targets(resolution)).containsExactly("carol@gmail.example");
        assertThat(resolution.alias().get().origin()).isEqualTo(AliasCatalog.Origin.RUNTIME);

        runtime.remove("info@example.com");
        assertThat(targets(resolve("info@example.com"))).containsExactly("alice@example.com");
    }
}
