package io.postbridge.core.alias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AliasSourceTest {
    @Test
    void addressIsLowerCased() {
        AliasSource source = AliasSource.parse(" Info@Example.COM ");
        assertThat(source.kind()).isEqualTo(AliasSource.Kind.ADDRESS);
        assertThat(source.key()).isEqualTo("info@example.com");
    }

    @Test
    void bothCatchAllSpellingsAreTheSameAlias() {
        assertThat(AliasSource.parse("@example.com").kind()).isEqualTo(AliasSource.Kind.CATCH_ALL);
        assertThat(AliasSource.parse("*@example.com")).isEqualTo(AliasSource.parse("@Example.com"));
        assertThat(AliasSource.parse("*@example.com").key()).isEqualTo("@example.com");
    }

    @Test
    void wildcardMakesAPattern() {
        AliasSource pattern = AliasSource.parse("support-*@example.com");
        assertThat(pattern.kind()).isEqualTo(AliasSource.Kind.PATTERN);
        assertThat(pattern.wildcardCount()).isEqualTo(1);
        assertThat(AliasSource.parse("a?c@example.com").kind()).isEqualTo(AliasSource.Kind.PATTERN);
    }

    @Test
    void malformedAddressesAreExplained() {
        assertThatThrownBy(() -> AliasSource.parse("info")).hasMessageContaining("no @domain");
        assertThatThrownBy(() -> AliasSource.parse("info@")).hasMessageContaining("empty domain");
        assertThatThrownBy(() -> AliasSource.parse("in fo@example.com")).hasMessageContaining("invalid character");
        assertThatThrownBy(() -> AliasSource.parse("info@@example.com")).hasMessageContaining("invalid character");
        assertThatThrownBy(() -> AliasSource.parse("info@exa_mple.com")).hasMessageContaining("'_'");
        assertThatThrownBy(() -> AliasSource.parse(".info@example.com")).hasMessageContaining("'.'");
        assertThatThrownBy(() -> AliasSource.parse("info@example..com")).hasMessageContaining("invalid domain");
        assertThatThrownBy(() -> AliasSource.parse("x".repeat(65) + "@example.com")).hasMessageContaining("64");
        assertThatThrownBy(() -> AliasSource.parse("  ")).hasMessageContaining("empty");
    }

    @Test
    void patternCapturesWhatTheWildcardsMatched() {
        assertThat(match("support-*@example.com", "support-billing")).contains(List.of("billing"));
        assertThat(match("*-*@example.com", "a-b-c")).contains(List.of("a", "b-c"));
        assertThat(match("team?-*@example.com", "team7-dev")).contains(List.of("7", "dev"));
        assertThat(match("a*b*c@example.com", "axxbyybzc")).contains(List.of("xx", "yybz"));
        assertThat(match("*x@example.com", "x")).contains(List.of(""));
        assertThat(match("pre*@example.com", "pre")).contains(List.of(""));
    }

    @Test
    void patternThatDoesNotMatch() {
        assertThat(match("support-*@example.com", "sales")).isEmpty();
        assertThat(match("a?c@example.com", "ac")).isEmpty();
        assertThat(match("a*b@example.com", "aaaa")).isEmpty();
    }

    @Test
    void manyWildcardsAgainstALongHostileLocalPartStillAnswer() {
        // a regular expression (.*a){n} style pattern would backtrack exponentially; the glob matcher does not
        String hostile = "a".repeat(5000) + "!";
        assertThat(match("*a*a*a*a*a*a*a*a*b@example.com", hostile)).isEmpty();
    }

    private static Optional<List<String>> match(String pattern, String localPart) {
        return AliasSource.parse(pattern).match(localPart);
    }
}
