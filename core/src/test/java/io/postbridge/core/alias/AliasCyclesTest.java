package io.postbridge.core.alias;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AliasCyclesTest {
    private static AliasDefinition alias(String source, String... targets) {
        return AliasDefinition.of(source, List.of(targets), false, DisabledMode.NO);
    }

    @Test
    void findsACycleAndNamesIt() {
        assertThat(AliasCycles.find(List.of(
            alias("a@example.com", "b@example.com"),
            alias("b@example.com", "x@gmail.example", "a@example.com")), "+"))
            .contains("a@example.com -> b@example.com -> a@example.com");
    }

    @Test
    void followsPlusAddressedTargets() {
        assertThat(AliasCycles.find(List.of(
            alias("a@example.com", "b+from-a@example.com"),
            alias("b@example.com", "a@example.com")), "+")).isPresent();
    }

    @Test
    void selfCopyAndTreesAreFine() {
        assertThat(AliasCycles.find(List.of(
            alias("a@example.com", "a@example.com", "b@example.com"),
            alias("b@example.com", "c@example.com"),
            alias("d@example.com", "b@example.com")), "+")).isEmpty();
    }

    @Test
    void disabledAliasBreaksTheCycle() {
        assertThat(AliasCycles.find(List.of(
            alias("a@example.com", "b@example.com"),
            AliasDefinition.of("b@example.com", List.of("a@example.com"), false, DisabledMode.DROP)), "+")).isEmpty();
    }
}
