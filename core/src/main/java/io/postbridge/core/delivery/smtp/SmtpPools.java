package io.postbridge.core.delivery.smtp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The connection pools of the SMTP delivery mailets running in this server, by queue name (for WebAdmin). */
public final class SmtpPools {
    private final Map<String, SmtpConnectionPool> pools = new ConcurrentHashMap<>();
    private final Map<String, List<SmtpRoute>> relays = new ConcurrentHashMap<>();

    public void register(String name, SmtpConnectionPool pool) {
        pools.put(name, pool);
    }

    /** The server-wide relays (smarthosts) of the mailet using queue {@code name}, for the relay health check. */
    public void registerRelays(String name, List<SmtpRoute> smarthosts) {
        relays.put(name, List.copyOf(smarthosts));
    }

    /** Every SMTP delivery mailet's smarthosts (none: direct MX delivery). */
    public List<SmtpRoute> relays() {
        List<SmtpRoute> all = new java.util.ArrayList<>();
        new java.util.TreeMap<>(relays).values().forEach(all::addAll);
        return all;
    }

    public void unregister(String name) {
        pools.remove(name);
        relays.remove(name);
    }

    /** Each pool's routes: destination, open and idle connections, connections opened and messages sent so far. */
    public Map<String, List<SmtpConnectionPool.PoolStatus>> status() {
        Map<String, List<SmtpConnectionPool.PoolStatus>> result = new LinkedHashMap<>();
        new java.util.TreeMap<>(pools).forEach((name, pool) -> result.put(name, pool.status()));
        return result;
    }
}
