package io.postbridge.server.persistence;

import javax.inject.Singleton;

import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.jpa.JPADomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.mailrepository.api.MailRepositoryFactory;
import org.apache.james.mailrepository.api.MailRepositoryUrlStore;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.jpa.JPAMailRepository;
import org.apache.james.mailrepository.jpa.JPAMailRepositoryFactory;
import org.apache.james.mailrepository.jpa.JPAMailRepositoryUrlStore;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;

import com.google.common.collect.ImmutableList;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Domains, recipient rewrite table and the list of mail repositories in James's database. Adapted from James 3.8.1's
 * {@code JPADomainListModule}, {@code JPARecipientRewriteTableModule} and {@code JPAMailRepositoryModule}
 * (Apache License 2.0, {@code server/container/guice/jpa-common}); it overrides the memory app's bindings.
 */
public class JpaDataModule extends AbstractModule {
    static final String JPA_PROTOCOL = "jpa";

    @Override
    protected void configure() {
        // James's JPA domain list, its answers served from memory (the lookup runs for every recipient)
        bind(SnapshotJpaDomainList.class).in(Scopes.SINGLETON);
        bind(JPADomainList.class).to(SnapshotJpaDomainList.class);
        bind(DomainList.class).to(SnapshotJpaDomainList.class);

        // and its recipient rewrite table, also from memory (two look-ups per recipient, at RCPT and in the spooler)
        bind(SnapshotJpaRecipientRewriteTable.class).in(Scopes.SINGLETON);
        bind(JPARecipientRewriteTable.class).to(SnapshotJpaRecipientRewriteTable.class);
        bind(RecipientRewriteTable.class).to(SnapshotJpaRecipientRewriteTable.class);

        bind(JPAMailRepositoryUrlStore.class).in(Scopes.SINGLETON);
        bind(MailRepositoryUrlStore.class).to(JPAMailRepositoryUrlStore.class);
        Multibinder.newSetBinder(binder(), MailRepositoryFactory.class).addBinding().to(JPAMailRepositoryFactory.class);
    }

    /**
     * conf/mailrepositorystore.xml as written (it must also suit a stock James, which has no JPA), plus the
     * {@code jpa://} protocol when the file does not list it: failed mail can then be kept in James's database.
     */
    @Provides
    @Singleton
    MailRepositoryStoreConfiguration mailRepositoryStoreConfiguration(ConfigurationProvider configurationProvider)
        throws ConfigurationException {
        MailRepositoryStoreConfiguration configured = MailRepositoryStoreConfiguration.parse(
            configurationProvider.getConfiguration("mailrepositorystore"));
        Protocol jpa = new Protocol(JPA_PROTOCOL);
        boolean listsJpa = configured.getItems().stream().anyMatch(item -> item.getProtocols().contains(jpa));
        if (listsJpa) {
            return configured;
        }
        ImmutableList<MailRepositoryStoreConfiguration.Item> items = ImmutableList.<MailRepositoryStoreConfiguration.Item>builder()
            .addAll(configured.getItems())
            .add(new MailRepositoryStoreConfiguration.Item(ImmutableList.of(jpa), JPAMailRepository.class.getName(),
                new BaseHierarchicalConfiguration()))
            .build();
        return new MailRepositoryStoreConfiguration(items, configured.getDefaultProtocol());
    }

    // forClass names the class Guice provisions: James runs an operation in dependency order only when that class is
    // assignable from it (InitializationOperations). Named after the JPA superclass, the recipient rewrite table was
    // configured last, after the spooler had started, and mail queued before a restart failed with "RecipientRewriteTable
    // is not configured" (found by SoakIT).
    @ProvidesIntoSet
    InitializationOperation configureDomainList(DomainListConfiguration configuration, SnapshotJpaDomainList domainList) {
        return InitilizationOperationBuilder
            .forClass(SnapshotJpaDomainList.class)
            .init(() -> domainList.configure(configuration));
    }

    @ProvidesIntoSet
    InitializationOperation configureRecipientRewriteTable(ConfigurationProvider configurationProvider,
                                                           SnapshotJpaRecipientRewriteTable recipientRewriteTable) {
        return InitilizationOperationBuilder
            .forClass(SnapshotJpaRecipientRewriteTable.class)
            .init(() -> recipientRewriteTable.configure(configurationProvider.getConfiguration("recipientrewritetable")));
    }
}
