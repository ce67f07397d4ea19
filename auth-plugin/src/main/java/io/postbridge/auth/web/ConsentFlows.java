package io.postbridge.auth.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;

import io.postbridge.auth.backend.PostbridgeBackendHolder;
import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.consent.ConsentAccounts;
import io.postbridge.core.consent.ConsentClients;
import io.postbridge.core.consent.ConsentService;
import io.postbridge.core.consent.Invitations;
import io.postbridge.core.secrets.SecretVault;

/** Builds the consent service on the server's store and James's domain list. */
public final class ConsentFlows {
    /** The invitation signing key, sealed in the vault like every other secret (generated on first use). */
    static final String SCOPE = "consent";
    static final String INVITATION_KEY = "invitationKey";

    private ConsentFlows() {
    }

    public static ConsentService create(PostbridgeBackendHolder holder, DomainList domains, Invitations invitations) {
        PostbridgeBackend backend = holder.backend();
        Clock clock = Clock.systemUTC();
        ConsentAccounts accounts = new ConsentAccounts(backend.accountAdministration(), backend.providerSettings(),
            backend.secretVault(), backend.apiKeys());
        return ConsentService.create(holder.settings().consent(), new ConsentClients(holder.settings().consent(), backend.secretVault()),
            backend.consentStates(), accounts, backend.events(), () -> serverDomains(domains),
            Optional.of(invitations), clock);
    }

    public static Invitations invitations(SecretVault vault, Clock clock) {
        String key = vault.get(SCOPE, INVITATION_KEY).orElseGet(() -> {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            // insert-if-absent: of two nodes starting at once, both use the key that was stored first
            return vault.putIfAbsent(SCOPE, INVITATION_KEY, Optional.empty(), Base64.getEncoder().encodeToString(bytes));
        });
        return new Invitations(Base64.getDecoder().decode(key), clock);
    }

    private static Set<String> serverDomains(DomainList domains) {
        try {
            return domains.getDomains().stream().map(Domain::asString).collect(Collectors.toSet());
        } catch (DomainListException e) {
            throw new IllegalStateException("James's domain list is unavailable: " + e.getMessage(), e);
        }
    }
}
