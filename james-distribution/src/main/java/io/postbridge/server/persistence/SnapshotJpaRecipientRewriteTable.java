package io.postbridge.server.persistence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;
import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.PersistenceException;
import javax.persistence.PersistenceUnit;

import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.rrt.jpa.model.JPARecipientRewrite;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.lib.Mappings;
import org.apache.james.rrt.lib.MappingsImpl;

import com.google.common.collect.ImmutableMap;

/**
 * James's JPA recipient rewrite table (aliases, forwards, groups, domain mappings), answering "what does this address
 * map to?" from an in-memory copy of the mapping rows. James asks it for every RCPT (ValidRcptHandler) and the
 * mailet container for every recipient, two look-ups each (the address, then its domain); through OpenJPA on Derby
 * each was a query, 15 % of the server's CPU under the API delivery benchmark (issue 14). As for the domain list
 * ({@link SnapshotJpaDomainList}): every change made through this server drops the copy, so its own changes count at
 * once; it is also reloaded when older than a second, for changes another server made in a shared database. A change
 * re-reads the rows first, so it never merges into a stale copy.
 */
public class SnapshotJpaRecipientRewriteTable extends JPARecipientRewriteTable {
    private final RowsInMemory<Map<String, String>> rows = new RowsInMemory<>();
    private EntityManagerFactory entityManagerFactory;

    @Inject
    @PersistenceUnit(unitName = "James")
    @Override
    public void setEntityManagerFactory(EntityManagerFactory entityManagerFactory) {
        super.setEntityManagerFactory(entityManagerFactory);
        this.entityManagerFactory = entityManagerFactory;
    }

    @Override
    public Mappings getStoredMappings(MappingSource source) throws RecipientRewriteTableException {
        String targets = rows.current(this::load).get(key(source.getFixedUser(), source.getFixedDomain()));
        return targets == null ? MappingsImpl.empty() : MappingsImpl.fromRawString(targets);
    }

    @Override
    public void addMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        rows.drop(); // James merges into the stored mappings it reads first: read them from the database
        try {
            super.addMapping(source, mapping);
        } finally {
            rows.drop();
        }
    }

    @Override
    public void removeMapping(MappingSource source, Mapping mapping) throws RecipientRewriteTableException {
        rows.drop();
        try {
            super.removeMapping(source, mapping);
        } finally {
            rows.drop();
        }
    }

    /** Every row as stored (user and domain columns exactly as James's own per-source query compares them). */
    private Map<String, String> load() throws RecipientRewriteTableException {
        EntityManager entityManager = entityManagerFactory.createEntityManager();
        try {
            List<JPARecipientRewrite> rows = entityManager
                .createNamedQuery(JPARecipientRewrite.SELECT_ALL_MAPPINGS_QUERY, JPARecipientRewrite.class).getResultList();
            Map<String, String> targets = new HashMap<>();
            for (JPARecipientRewrite row : rows) {
                targets.put(key(row.getUser(), row.getDomain()), row.getTargetAddress());
            }
            return ImmutableMap.copyOf(targets);
        } catch (PersistenceException e) {
            throw new RecipientRewriteTableException("Error while retrieving mappings", e);
        } finally {
            entityManager.close();
        }
    }

    private static String key(String user, String domain) {
        return user + '\u0000' + domain;
    }
}
