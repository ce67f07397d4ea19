package io.postbridge.core.alias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class AliasDefinitionTest {
    @Test
    void targetsAreTrimmedAndDeduplicatedIgnoringCase() {
        AliasDefinition alias = AliasDefinition.of("info@example.com",
            List.of(" alice@example.com ", "Bob@Gmail.Example", "ALICE@example.com"), false, DisabledMode.NO);
        assertThat(alias.targets()).containsExactly("alice@example.com", "Bob@gmail.example");
    }

    @Test
    void enabledAliasNeedsATarget() {
        assertThatThrownBy(() -> AliasDefinition.of("info@example.com", List.of(), false, DisabledMode.NO))
            .hasMessageContaining("at least one target");
        assertThat(AliasDefinition.of("gone@example.com", List.of(), false, DisabledMode.REJECT).targets()).isEmpty();
    }

    @Test
    void targetMustBeAnAddress() {
        assertThatThrownBy(() -> AliasDefinition.of("info@example.com", List.of("alice"), false, DisabledMode.NO))
            .hasMessageContaining("'alice' is not an address");
        assertThatThrownBy(() -> AliasDefinition.of("info@example.com", List.of("a b@example.com"), false, DisabledMode.NO))
            .hasMessageContaining("invalid character");
        assertThatThrownBy(() -> AliasDefinition.of("info@example.com", List.of("*@example.com"), false, DisabledMode.NO))
            .hasMessageContaining("wildcard");
    }

    @Test
    void placeholdersMustReferToAWildcard() {
        assertThatThrownBy(() -> AliasDefinition.of("info@example.com", List.of("x+$1@example.net"), false, DisabledMode.NO))
            .hasMessageContaining("uses $1").hasMessageContaining("no wildcard");
        assertThatThrownBy(() -> AliasDefinition.of("a-*@example.com", List.of("$2@example.net"), false, DisabledMode.NO))
            .hasMessageContaining("uses $2").hasMessageContaining("1 wildcard");
        assertThat(AliasDefinition.of("a-*-?@example.com", List.of("$1.$2@example.net"), false, DisabledMode.NO)
            .targetsFor(List.of("dev", "7"))).containsExactly("dev.7@example.net");
    }

    @Test
    void placeholderInTheTargetDomainIsRefused() {
        // otherwise mail to fwd-evil.example@ would be relayed to evil.example
        assertThatThrownBy(() -> AliasDefinition.of("fwd-*@example.com", List.of("x@$1"), false, DisabledMode.NO))
            .hasMessageContaining("only appear in the local part");
    }
}
