package io.postbridge.core.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SenderPatternTest {
    @Test
    void anAddressMatchesOnlyItselfWhateverTheCase() {
        SenderPattern pattern = SenderPattern.parse("App@Example.COM");
        assertThat(pattern.asString()).isEqualTo("app@example.com");
        assertThat(pattern.isDomain()).isFalse();
        assertThat(pattern.matches("APP@example.com")).isTrue();
        assertThat(pattern.matches("other@example.com")).isFalse();
        assertThat(pattern.matches("app@example.com.evil.test")).isFalse();
    }

    @Test
    void aDomainMatchesItsAddressesButNotItsSubdomains() {
        SenderPattern pattern = SenderPattern.parse("@example.com");
        assertThat(SenderPattern.parse("example.com")).isEqualTo(pattern);
        assertThat(pattern.isDomain()).isTrue();
        assertThat(pattern.matches("anyone@EXAMPLE.com")).isTrue();
        assertThat(pattern.matches("anyone@mail.example.com")).isFalse();
        assertThat(pattern.matches("example.com")).isFalse();
        assertThat(pattern.matches(null)).isFalse();
    }

    @Test
    void refusesWhatIsNeitherAnAddressNorADomain() {
        for (String bad : new String[] {"", "not an address", "a@b", "@", "x@-bad.com", "x@exa mple.com", "x@123.456"}) {
            assertThatThrownBy(() -> SenderPattern.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sender must be an address");
        }
    }
}
