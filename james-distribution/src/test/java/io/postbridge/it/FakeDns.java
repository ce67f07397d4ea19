package io.postbridge.it;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;

import com.google.inject.Module;

/**
 * James's DNS service with local answers for the test's domains (MX lists, addresses, NXDOMAIN, resolver failure);
 * every other name is resolved by the JVM as usual. Install with {@link #module()} through
 * {@link PostbridgeJames#extensionOverriding}.
 */
public final class FakeDns implements DNSService {
    private final Map<String, List<String>> mx = new ConcurrentHashMap<>();
    private final Map<String, List<String>> addresses = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

    /** MX hosts of {@code domain}, in preference order ({@code "."} alone: a null MX; none: NXDOMAIN). */
    public FakeDns mx(String domain, String... hosts) {
        mx.put(domain.toLowerCase(Locale.ROOT), List.of(hosts));
        return this;
    }

    public FakeDns address(String host, String... ips) {
        addresses.put(host.toLowerCase(Locale.ROOT), List.of(ips));
        return this;
    }

    /** Lookups of {@code domain} fail as a resolver timeout does. */
    public FakeDns failing(String domain) {
        failing.put(domain.toLowerCase(Locale.ROOT), true);
        return this;
    }

    public Module module() {
        return binder -> binder.bind(DNSService.class).toInstance(this);
    }

    @Override
    public Collection<String> findMXRecords(String hostname) throws TemporaryResolutionException {
        String name = hostname.toLowerCase(Locale.ROOT);
        if (failing.containsKey(name)) {
            throw new TemporaryResolutionException("DNS server failure looking up " + hostname + " (timed out)");
        }
        return mx.getOrDefault(name, List.of());
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return List.of();
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        List<String> ips = addresses.get(host.toLowerCase(Locale.ROOT));
        if (ips == null) {
            return List.of(InetAddress.getAllByName(host));
        }
        InetAddress[] result = new InetAddress[ips.size()];
        for (int i = 0; i < ips.size(); i++) {
            result[i] = InetAddress.getByName(ips.get(i));
        }
        return List.of(result);
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        return getAllByName(host).iterator().next();
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return InetAddress.getLocalHost();
    }

    @Override
    public String getHostName(InetAddress addr) {
        return addr.getHostAddress();
    }
}
