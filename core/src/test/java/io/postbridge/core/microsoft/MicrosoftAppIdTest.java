package io.postbridge.core.microsoft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class MicrosoftAppIdTest {
    private static final UUID TENANT = UUID.fromString("12345678-1234-1234-1234-123456789abc");
    private static final UUID CLIENT = UUID.fromString("abcdefab-1234-5678-abcd-abcdefabcdef");

    @Test
    void readsUuidsWithAnySeparatorAndAnOptionalDomainSuffix() {
        MicrosoftAppId expected = new MicrosoftAppId(TENANT, CLIENT);
        assertThat(MicrosoftAppId.parse(TENANT + "@" + CLIENT)).contains(expected);
        assertThat(MicrosoftAppId.parse(TENANT.toString().toUpperCase() + "@" + CLIENT + ".local")).contains(expected);
        assertThat(MicrosoftAppId.parse(TENANT + ":" + CLIENT)).contains(expected);
        assertThat(MicrosoftAppId.parse(TENANT + "|" + CLIENT)).contains(expected);
    }

    @Test
    void readsTheCompactBase64urlForm() {
        assertThat(MicrosoftAppId.compact(TENANT)).isEqualTo("EjRWeBI0EjQSNBI0VniavA").hasSize(22);
        MicrosoftAppId expected = new MicrosoftAppId(TENANT, CLIENT);
        assertThat(MicrosoftAppId.parse("EjRWeBI0EjQSNBI0VniavA@" + MicrosoftAppId.compact(CLIENT))).contains(expected);
        assertThat(MicrosoftAppId.parse(TENANT + "@" + MicrosoftAppId.compact(CLIENT) + ".tld")).contains(expected);
    }

    @Test
    void ignoresEverythingElse() {
        for (String other : new String[] {"erp", "app@example.com", TENANT.toString(), TENANT + "@", "@" + CLIENT, TENANT + "@not-a-uuid", "", null}) {
            assertThat(MicrosoftAppId.parse(other)).as(String.valueOf(other)).isEmpty();
        }
    }
}
