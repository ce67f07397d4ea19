package io.postbridge.auth;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.ProviderAccounts;
import io.postbridge.core.events.InMemoryMailEventLog;
import io.postbridge.core.events.MailEventLog;

/**
 * The one Guice module an operator lists in {@code conf/extensions.properties}
 * ({@code guice.extension.module=io.postbridge.auth.PostbridgeModule}). It binds the {@code core} singletons that
 * Postbridge's mailets, matchers, SMTP hooks and WebAdmin routes receive through {@code @Inject}.
 */
public class PostbridgeModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(InMemoryMailEventLog.class).in(Scopes.SINGLETON);
        bind(MailEventLog.class).to(InMemoryMailEventLog.class);
        // How accounts deliver (Gmail / Graph settings and secrets). In memory until the account store is wired in.
        bind(InMemoryProviderAccounts.class).in(Scopes.SINGLETON);
        bind(ProviderAccounts.class).to(InMemoryProviderAccounts.class);
    }
}
