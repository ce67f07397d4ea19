package io.postbridge.core.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

import io.postbridge.core.accounts.IpRange;

/**
 * The SSRF guard of webhook deliveries: a URL is sent to only when <b>every</b> address its host resolves to is
 * public, or inside a range the operator allow-listed ({@code webhooks.allowedTargets}). The check is on the
 * resolved addresses, so a public name that resolves to 127.0.0.1, 169.254.169.254 or 10.0.0.5 is refused just
 * like the literal address. The connection then goes to the checked address ({@link PinnedHttp}): a second,
 * different DNS answer (DNS rebinding) never reaches the connect.
 */
public final class EgressGuard {
    /** Resolves a host name to all its addresses. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    // not public: special-purpose IPv4 and IPv6 blocks beyond what InetAddress classifies (RFC 6890 and successors)
    private static final List<IpRange> NOT_PUBLIC = List.of("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24",
            "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "fc00::/7", "2001:db8::/32", "64:ff9b::/96",
            "::/128")
        .stream().map(IpRange::parse).collect(Collectors.toList());

    private final List<IpRange> allowed;
    private final Resolver resolver;

    public EgressGuard(List<IpRange> allowed, Resolver resolver) {
        this.allowed = List.copyOf(allowed);
        this.resolver = Objects.requireNonNull(resolver);
    }

    public EgressGuard(List<IpRange> allowed) {
        this(allowed, InetAddress::getAllByName);
    }

    /** A target that may not be sent to, with the reason an operator reads in the delivery log. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * Checks the URL's form (http or https, a host, no credentials) without resolving it: what an endpoint must
     * satisfy to be stored.
     */
    public static URI checkForm(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("must be an https:// (or http://) URL, was '" + url + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("must name a host, was '" + url + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("must not hold credentials (user:password@): the signature tells the receiver"
                + " the request is ours");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not have a #fragment");
        }
        return uri;
    }

    /** Resolves the URL's host and returns its addresses, all of them allowed; otherwise {@link Refused}. */
    public List<InetAddress> check(URI uri) throws Refused {
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new Refused("cannot resolve " + host);
        }
        if (addresses.length == 0) {
            throw new Refused("cannot resolve " + host);
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address) && allowed.stream().noneMatch(range -> range.contains(address))) {
                throw new Refused(host + " resolves to " + address.getHostAddress() + ", a loopback, link-local or private"
                    + " address; allow it with webhooks.allowedTargets in postbridge.properties if it is meant");
            }
        }
        return Arrays.asList(addresses);
    }

    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
            || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        if (address instanceof Inet4Address && address.getAddress()[0] == (byte) 255) {
            return false;
        }
        if (address instanceof Inet6Address) {
            byte[] bytes = address.getAddress();
            // IPv4-compatible or -mapped addresses (::a.b.c.d, ::ffff:a.b.c.d) and 6to4 (2002::/16): judge the IPv4 inside
            boolean zeroPrefix = true;
            for (int i = 0; i < 10; i++) {
                zeroPrefix &= bytes[i] == 0;
            }
            if (zeroPrefix && ((bytes[10] == 0 && bytes[11] == 0) || (bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff))) {
                return isPublic(ipv4(bytes, 12));
            }
            if (bytes[0] == 0x20 && bytes[1] == 0x02) {
                return isPublic(ipv4(bytes, 2));
            }
        }
        return NOT_PUBLIC.stream().noneMatch(range -> range.contains(address));
    }

    private static InetAddress ipv4(byte[] bytes, int offset) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(bytes, offset, offset + 4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
