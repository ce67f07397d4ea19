package io.postbridge.core.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class IpRangeTest {
    @Test
    void ipv4RangesAreNormalisedAndMatched() throws Exception {
        IpRange range = IpRange.parse("10.1.2.77/24");
        assertThat(range.asString()).isEqualTo("10.1.2.0/24");
        assertThat(range.contains(InetAddress.getByName("10.1.2.200"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("10.1.3.1"))).isFalse();
        assertThat(IpRange.parse("192.168.1.7").asString()).isEqualTo("192.168.1.7/32");
        assertThat(IpRange.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
        assertThat(IpRange.parse("10.0.0.0/12").contains(InetAddress.getByName("10.15.255.255"))).isTrue();
        assertThat(IpRange.parse("10.0.0.0/12").contains(InetAddress.getByName("10.16.0.0"))).isFalse();
    }

    @Test
    void ipv6RangesMatchOnlyIpv6() throws Exception {
        IpRange range = IpRange.parse("2001:DB8::1/32");
        assertThat(range.asString()).isEqualTo("2001:db8:0:0:0:0:0:0/32".replace(":0:0:0:0:0:0", "::"));
        assertThat(range.contains(InetAddress.getByName("2001:db8:ffff::9"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("2001:db9::1"))).isFalse();
        assertThat(range.contains(InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void refusesHostnamesAndBadPrefixesWithoutLookingAnythingUp() {
        for (String bad : new String[] {"printer.example.com", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "::1/129", "10.0.0.0/x", " "}) {
            assertThatThrownBy(() -> IpRange.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected an IP range");
        }
    }
}
