package io.postbridge.core.accounts;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

import com.google.common.net.InetAddresses;

/** An IPv4 or IPv6 range in CIDR notation ({@code 10.1.2.0/24}, {@code 2001:db8::/32}, or one address). */
public final class IpRange {
    private final byte[] network;
    private final int prefixLength;

    private IpRange(byte[] network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** Parses literal addresses only: never a DNS lookup. */
    public static IpRange parse(String cidr) {
        if (cidr == null || cidr.isBlank()) {
            throw invalid(cidr);
        }
        String value = cidr.trim();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        if (!InetAddresses.isInetAddress(address)) {
            throw invalid(cidr);
        }
        byte[] bytes = InetAddresses.forString(address).getAddress();
        int maxPrefix = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? maxPrefix : Integer.parseInt(value.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw invalid(cidr);
        }
        if (prefix < 0 || prefix > maxPrefix) {
            throw invalid(cidr);
        }
        return new IpRange(mask(bytes, prefix), prefix);
    }

    private static IllegalArgumentException invalid(String cidr) {
        return new IllegalArgumentException("expected an IP range like 192.168.10.0/24, 192.168.10.7 or 2001:db8::/48, was '" + cidr + "'");
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bitsInThisByte = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] = (byte) (masked[i] & (0xFF << (8 - bitsInThisByte)));
        }
        return masked;
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(bytes, prefixLength), network);
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** The canonical form, e.g. {@code 10.1.2.0/24}: the network address and the prefix length. */
    public String asString() {
        try {
            return InetAddresses.toAddrString(InetAddress.getByAddress(network)) + "/" + prefixLength;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpRange && prefixLength == ((IpRange) o).prefixLength && Arrays.equals(network, ((IpRange) o).network);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(network), prefixLength);
    }

    @Override
    public String toString() {
        return asString();
    }
}
