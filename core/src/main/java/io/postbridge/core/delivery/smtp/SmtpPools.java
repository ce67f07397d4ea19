package io.postbridge.core.delivery.smtp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The connection pools of the SMTP delivery mailets running in this server, by queue name (for WebAdmin). */
public final class SmtpPools {
    private final Map<String, SmtpConnectionPool> pools = new ConcurrentHashMap<>();

    public void register(String name, SmtpConnectionPool pool) {
        pools.put(name, pool);
    }

    public void unregister(String name) {
        pools.remove(name);
    }

    /** Each pool's routes: destination, open and idle connections, connections opened and messages sent so far. */
    public Map<String, List<SmtpConnectionPool.PoolStatus>> status() {
        Map<String, List<SmtpConnectionPool.PoolStatus>> result = new LinkedHashMap<>();
        new java.util.TreeMap<>(pools).forEach((name, pool) -> result.put(name, pool.status()));
        return result;
    }
}
