package io.postbridge.auth.observability;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.inject.Inject;

import io.postbridge.core.dkim.keys.DkimKeyTable;
import io.postbridge.core.dkim.keys.DkimKeyTableRegistry;
import io.postbridge.core.dkim.keys.KeyLookup;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;
import io.postbridge.core.health.DkimKeysHealth;
import io.postbridge.core.health.HealthReport;

/**
 * {@code Postbridge:dkim}: each domain configured for signing (key rows of the DkimSign mailets, managed keys) has
 * a key present and active (see {@link DkimKeysHealth}).
 */
public class DkimKeysHealthCheck extends PostbridgeHealthCheck {
    private final DkimKeyTableRegistry tables;
    private final ManagedDkimKeys managed;

    @Inject
    public DkimKeysHealthCheck(DkimKeyTableRegistry tables, ManagedDkimKeys managed) {
        super("Postbridge:dkim");
        this.tables = tables;
        this.managed = managed;
    }

    @Override
    HealthReport report() {
        List<String> domains = new ArrayList<>();
        for (DkimKeyTable table : tables.tables().values()) {
            table.entries().stream().filter(e -> !e.domain().isWildcard()).forEach(e -> domains.add(e.domain().signingDomain()));
        }
        try {
            domains.addAll(managed.domains());
        } catch (IOException e) {
            return HealthReport.unhealthy("cannot read the managed DKIM keys: " + e.getMessage());
        }
        Map<String, List<KeyLookup>> lookups = new TreeMap<>();
        for (String domain : domains) {
            List<KeyLookup> results = new ArrayList<>();
            tables.tables().values().forEach(table -> results.add(table.lookup(domain)));
            results.add(managed.lookup(domain));
            lookups.put(domain, results);
        }
        return DkimKeysHealth.evaluate(lookups);
    }
}
