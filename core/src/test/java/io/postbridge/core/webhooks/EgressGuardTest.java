package io.postbridge.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.postbridge.core.accounts.IpRange;

/** The SSRF guard judges the addresses a name resolves to, not the name. */
class EgressGuardTest {
    /** A resolver that answers like a hostile DNS server: a harmless-looking name, an internal address. */
    private static EgressGuard resolvingTo(List<IpRange> allowed, String... addresses) {
        return new EgressGuard(allowed, host -> {
            InetAddress[] resolved = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                resolved[i] = InetAddress.getByName(addresses[i]);
            }
            return resolved;
        });
    }

    @Test
    void refusesNamesThatResolveToLoopbackLinkLocalOrPrivateAddresses() {
        for (String internal : List.of("127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.0.1", "::1", "fe80::1", "fd00::5", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:0a00:0001::1", "224.0.0.1")) {
            assertThatThrownBy(() -> resolvingTo(List.of(), internal).check(URI.create("https://hooks.example.com/x")))
                .as(internal).isInstanceOf(EgressGuard.Refused.class)
                .hasMessageContaining("hooks.example.com resolves to").hasMessageContaining("webhooks.allowedTargets");
        }
    }

    @Test
    void oneInternalAddressAmongPublicOnesIsEnoughToRefuse() {
        assertThatThrownBy(() -> resolvingTo(List.of(), "93.184.216.34", "10.0.0.7").check(URI.create("https://hooks.example.com/")))
            .isInstanceOf(EgressGuard.Refused.class).hasMessageContaining("10.0.0.7");
    }

    @Test
    void publicAddressesAndAllowListedRangesPass() throws Exception {
        assertThat(resolvingTo(List.of(), "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
            .check(URI.create("https://hooks.example.com/"))).hasSize(2);
        assertThat(resolvingTo(List.of(IpRange.parse("10.20.0.0/16")), "10.20.3.4").check(URI.create("http://crm.internal/"))).hasSize(1);
        assertThatThrownBy(() -> resolvingTo(List.of(IpRange.parse("10.20.0.0/16")), "10.21.3.4").check(URI.create("http://crm.internal/")))
            .isInstanceOf(EgressGuard.Refused.class);
    }

    @Test
    void theRealResolverIsUsedForLocalhostAndLiterals() {
        EgressGuard guard = new EgressGuard(List.of());
        assertThatThrownBy(() -> guard.check(URI.create("http://localhost:8080/hooks"))).isInstanceOf(EgressGuard.Refused.class)
            .hasMessageContaining("localhost resolves to");
        assertThatThrownBy(() -> guard.check(URI.create("http://[::1]:8080/hooks"))).isInstanceOf(EgressGuard.Refused.class);
        assertThatThrownBy(() -> guard.check(URI.create("http://no-such-host.invalid/hooks"))).isInstanceOf(EgressGuard.Refused.class)
            .hasMessageContaining("cannot resolve");
    }

    @Test
    void urlsMustBeHttpWithAHostAndNoCredentials() {
        assertThat(EgressGuard.checkForm("https://hooks.example.com/postbridge?x=1").getHost()).isEqualTo("hooks.example.com");
        assertThatThrownBy(() -> EgressGuard.checkForm("ftp://hooks.example.com/")).hasMessageContaining("https://");
        assertThatThrownBy(() -> EgressGuard.checkForm("https:///path")).hasMessageContaining("host");
        assertThatThrownBy(() -> EgressGuard.checkForm("https://user:pw@hooks.example.com/")).hasMessageContaining("credentials");
        assertThatThrownBy(() -> EgressGuard.checkForm("not a url")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownHostIsRefusedNotThrown() {
        EgressGuard guard = new EgressGuard(List.of(), host -> {
            throw new UnknownHostException(host);
        });
        assertThatThrownBy(() -> guard.check(URI.create("https://gone.example.com/"))).isInstanceOf(EgressGuard.Refused.class);
    }
}
