package io.postbridge.core.dkim.keys;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The key tables of the DkimSign mailets running in this server, by mailet name (listed through WebAdmin). */
public final class DkimKeyTableRegistry {
    private final Map<String, DkimKeyTable> tables = new ConcurrentHashMap<>();

    public void register(String mailetName, DkimKeyTable table) {
        tables.put(mailetName, table);
    }

    public Map<String, DkimKeyTable> tables() {
        return new TreeMap<>(tables);
    }
}
