package io.postbridge.server.persistence;

import java.util.List;
import java.util.Set;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.james.core.Domain;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.domainlist.jpa.JPADomainList;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;

/**
 * James's JPA domain list, answering "is this one of our domains?" from an in-memory copy of the domain rows.
 * James asks it for every RCPT (and the mailet container for every recipient); through OpenJPA on Derby each
 * question was a query, a quarter of the server's CPU under the accept load of issue 14. The copy is dropped by
 * every add or removal made through this server, so its own changes count at once; it is also reloaded when older
 * than a second, for changes another server made in a shared (PostgreSQL) database.
 */
public class SnapshotJpaDomainList extends JPADomainList {
    private final RowsInMemory<Domains> rows = new RowsInMemory<>();

    @Inject
    public SnapshotJpaDomainList(DNSService dns, EntityManagerFactory entityManagerFactory) {
        super(dns, entityManagerFactory);
    }

    @Override
    protected List<Domain> getDomainListInternal() throws DomainListException {
        return current().domains;
    }

    @Override
    protected boolean containsDomainInternal(Domain domain) throws DomainListException {
        return current().lookup.contains(domain);
    }

    @Override
    public void addDomain(Domain domain) throws DomainListException {
        try {
            super.addDomain(domain);
        } finally {
            rows.drop();
        }
    }

    @Override
    public void doRemoveDomain(Domain domain) throws DomainListException {
        try {
            super.doRemoveDomain(domain);
        } finally {
            rows.drop();
        }
    }

    private Domains current() throws DomainListException {
        return rows.current(() -> new Domains(ImmutableList.copyOf(super.getDomainListInternal())));
    }

    private static final class Domains {
        final List<Domain> domains;
        final Set<Domain> lookup;

        Domains(ImmutableList<Domain> domains) {
            this.domains = domains;
            this.lookup = ImmutableSet.copyOf(domains);
        }
    }
}
