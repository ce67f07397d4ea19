package io.postbridge.server.persistence;

import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.jpa.JPAUsersRepository;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * James users (passwords hashed as {@code conf/usersrepository.xml} says) in James's database: the default of the
 * users repository chooser (an LDAP {@code usersrepository.xml} still selects LDAP). A copy of James 3.8.1's
 * {@code org.apache.james.modules.data.JPAUsersRepositoryModule} (Apache License 2.0, not published as a jar).
 */
public class JpaUsersRepositoryModule extends AbstractModule {
    @Override
    public void configure() {
        bind(JPAUsersRepository.class).in(Scopes.SINGLETON);
        bind(UsersRepository.class).to(JPAUsersRepository.class);
    }

    @ProvidesIntoSet
    InitializationOperation configureJpaUsers(ConfigurationProvider configurationProvider, JPAUsersRepository usersRepository) {
        return InitilizationOperationBuilder
            .forClass(JPAUsersRepository.class)
            .init(() -> usersRepository.configure(configurationProvider.getConfiguration("usersrepository")));
    }
}
