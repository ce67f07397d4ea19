package io.postbridge.core.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.postbridge.core.dkim.keys.KeyLookup;

/**
 * {@code Postbridge:dkim}: every domain configured for DKIM signing (key table rows in mailetcontainer.xml, managed
 * keys in the store) has a key present and active. Unhealthy when a domain has none it can sign with (its mail is
 * deferred, bounced or sent unsigned, as the mailet's missing-key policy says); degraded when some of its keys
 * cannot be used but another signs.
 */
public final class DkimKeysHealth {
    private DkimKeysHealth() {
    }

    /** @param lookups each configured domain's lookups, one per key source that knows it */
    public static HealthReport evaluate(Map<String, List<KeyLookup>> lookups) {
        List<HealthReport> reports = new ArrayList<>();
        lookups.forEach((domain, results) -> reports.add(domain(domain, results)));
        return HealthReport.worst(reports);
    }

    private static HealthReport domain(String domain, List<KeyLookup> results) {
        boolean found = results.stream().anyMatch(l -> l.outcome() == KeyLookup.Outcome.FOUND);
        List<String> problems = new ArrayList<>();
        results.forEach(l -> problems.addAll(l.problems()));
        if (!found) {
            boolean configured = results.stream().anyMatch(l -> l.outcome() != KeyLookup.Outcome.NOT_CONFIGURED);
            if (!configured) {
                return HealthReport.healthy();
            }
            return HealthReport.unhealthy("domain " + domain + " has no active DKIM key"
                + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")")
                + ": restore the key file or activate a key (GET /postbridge/dkim/domains/" + domain + "/keys)");
        }
        if (!problems.isEmpty()) {
            return HealthReport.degraded("domain " + domain + ": " + String.join("; ", problems) + " (its other keys sign)");
        }
        return HealthReport.healthy();
    }
}
