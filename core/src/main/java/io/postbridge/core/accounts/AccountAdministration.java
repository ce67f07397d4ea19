package io.postbridge.core.accounts;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.postbridge.core.delivery.smtp.SmtpUpstream;
import io.postbridge.core.delivery.smtp.UpstreamTokenSources;
import io.postbridge.core.secrets.SecretVault;

/**
 * What an operator may do to accounts and what they own, and the rules that come with it, in one place (the WebAdmin
 * routes only read requests and write answers): a deleted account's or a changed trusted network's devices are
 * re-read at once; a network belongs to one account; changing an account's provider deletes the previous provider's
 * secrets; provider settings never hold what looks like a secret. Refused input is an {@link IllegalArgumentException}
 * naming the field, a conflict an {@link IllegalStateException}.
 */
public final class AccountAdministration {
    /** The secret scope of an account's provider credentials ({@link SecretVault#accountScope}). */
    public static final String PROVIDER_SECRETS = "provider";
    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(secret|password|token|privatekey).*");
    private static final int MAX_SETTING_LENGTH = 4096;
    private static final int MAX_SECRET_LENGTH = 16384;

    private final AccountRepository accounts;
    private final AllowedSenderRepository senders;
    private final TrustedNetworkRepository networkRepository;
    private final TrustedNetworks networks;
    private final ProviderSettingsRepository providerSettings;
    private final SecretVault secrets;
    private final Clock clock;
    private final UpstreamTokenSources upstreamTokens;
    private final List<Consumer<String>> whenDeleted = new CopyOnWriteArrayList<>();

    public AccountAdministration(AccountRepository accounts, AllowedSenderRepository senders, TrustedNetworkRepository networkRepository,
                                 TrustedNetworks networks, ProviderSettingsRepository providerSettings, SecretVault secrets, Clock clock,
                                 UpstreamTokenSources upstreamTokens) {
        this.upstreamTokens = Objects.requireNonNull(upstreamTokens);
        this.accounts = Objects.requireNonNull(accounts);
        this.senders = Objects.requireNonNull(senders);
        this.networkRepository = Objects.requireNonNull(networkRepository);
        this.networks = Objects.requireNonNull(networks);
        this.providerSettings = Objects.requireNonNull(providerSettings);
        this.secrets = Objects.requireNonNull(secrets);
        this.clock = Objects.requireNonNull(clock);
    }

    /** An account that does not exist. */
    public static final class NoSuchAccount extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NoSuchAccount(String name) {
            super("account '" + name + "' does not exist");
        }
    }

    /** What {@link #createOrUpdate} did. */
    public static final class Saved {
        private final Account account;
        private final boolean created;

        Saved(Account account, boolean created) {
            this.account = account;
            this.created = created;
        }

        public Account account() {
            return account;
        }

        public boolean created() {
            return created;
        }
    }

    // ---- accounts ----

    public List<Account> list() {
        return accounts.list();
    }

    public Optional<Account> find(String name) {
        return accounts.findByName(name);
    }

    /** @throws NoSuchAccount when there is none of that name */
    public Account require(String name) {
        return accounts.findByName(name).orElseThrow(() -> new NoSuchAccount(name));
    }

    /**
     * Creates the account with the change applied, or applies the change to the existing one.
     *
     * @param change checked on a blank account before one is created, so a refused change creates nothing
     */
    public Saved createOrUpdate(String name, UnaryOperator<Account> change) {
        if (!Account.isValidName(name)) {
            throw new IllegalArgumentException("account name must be 1 to 64 characters a-z 0-9 . _ - (lower case, starting with a letter "
                + "or digit), was '" + name + "'");
        }
        Optional<Account> existing = accounts.findByName(name);
        Account account;
        boolean created = existing.isEmpty();
        if (created) {
            change.apply(new Account(0, "validation", true, Optional.empty(), Optional.empty(), Optional.empty(), clock.instant()));
            try {
                account = accounts.create(name, clock.instant());
            } catch (AccountRepository.AccountAlreadyExists e) {
                // created meanwhile by another request or node: update it instead
                account = accounts.findByName(name).orElseThrow(() -> e);
                created = false;
            }
        } else {
            account = existing.get();
        }
        Account updated = change.apply(account);
        if (!updated.equals(account)) {
            accounts.update(updated);
        }
        return new Saved(updated, created);
    }

    public void update(Account account) {
        accounts.update(account);
    }

    /** Deletes the account and everything it owns. */
    public void delete(String name) {
        if (!accounts.delete(name)) {
            throw new NoSuchAccount(name);
        }
        networksChanged();
        whenDeleted.forEach(cleanup -> cleanup.accept(name));
    }

    /**
     * What else goes with a deleted account and lives outside its tables (its webhook endpoints and their pending
     * deliveries): called with the account's name once the account is deleted.
     */
    public void whenDeleted(Consumer<String> cleanup) {
        whenDeleted.add(Objects.requireNonNull(cleanup));
    }

    // ---- allowed senders ----

    public List<SenderPattern> senders(Account account) {
        return senders.list(account.id());
    }

    /** @return false when the account already had it */
    public boolean addSender(Account account, SenderPattern pattern) {
        return senders.add(account.id(), pattern);
    }

    /** @return false when the account did not have it */
    public boolean removeSender(Account account, SenderPattern pattern) {
        return senders.remove(account.id(), pattern);
    }

    // ---- trusted networks ----

    public List<IpRange> networks(Account account) {
        return networkRepository.listByAccount(account.id()).stream().map(TrustedNetwork::range).collect(Collectors.toList());
    }

    /**
     * Gives the network to the account.
     *
     * @return false when the account already had it
     * @throws IllegalStateException when another account has it: a device must belong to one account
     */
    public boolean addNetwork(Account account, IpRange range) {
        Optional<TrustedNetwork> owner = networkRepository.list().stream().filter(network -> network.range().equals(range)).findFirst();
        if (owner.isPresent()) {
            if (owner.get().accountId() == account.id()) {
                return false;
            }
            String other = accounts.findById(owner.get().accountId()).map(Account::name).orElse("another account");
            throw new IllegalStateException("the network " + range + " already belongs to account '" + other + "'");
        }
        if (!networkRepository.add(new TrustedNetwork(range, account.id()))) {
            throw new IllegalStateException("the network " + range + " already belongs to another account");
        }
        networksChanged();
        return true;
    }

    /** @return false when the account did not have it */
    public boolean removeNetwork(Account account, IpRange range) {
        if (!networkRepository.remove(account.id(), range)) {
            return false;
        }
        networksChanged();
        return true;
    }

    /** The SMTP hooks answer from a cache of the networks: after any change it must be read again, here and only here. */
    private void networksChanged() {
        networks.invalidate();
    }

    // ---- provider settings ----

    public Optional<ProviderSettings> provider(Account account) {
        return providerSettings.get(account.id());
    }

    /** The names of the provider secrets that are set, never their values. */
    public List<String> providerSecretNames(Account account) {
        return secrets.names(providerScope(account));
    }

    public Optional<ReconsentFlag> reconsentFlag(Account account) {
        return providerSettings.reconsentFlag(account.id());
    }

    /**
     * Replaces the provider settings; sets each secret given (a null value removes it) and keeps the others, unless
     * the provider changes: another provider's secrets must not linger. Clears the re-consent flag (the operator has
     * acted, typically with a new refresh token).
     */
    public void putProvider(Account account, ProviderSettings.Provider provider, Map<String, String> settings,
                            Map<String, String> newSecrets) {
        settings.forEach((name, value) -> {
            checkName("settings", name);
            if (SECRET_LIKE.matcher(name).matches()) {
                throw new IllegalArgumentException("'settings." + name + "' looks like a secret: put it under 'secrets', which are stored "
                    + "encrypted and never returned");
            }
            if (value.length() > MAX_SETTING_LENGTH) {
                throw new IllegalArgumentException("'settings." + name + "' is longer than " + MAX_SETTING_LENGTH + " characters");
            }
        });
        newSecrets.forEach((name, value) -> {
            checkName("secrets", name);
            if (value != null && (value.isEmpty() || value.length() > MAX_SECRET_LENGTH)) {
                throw new IllegalArgumentException("'secrets." + name + "' must be 1 to " + MAX_SECRET_LENGTH
                    + " characters (or null to remove it)");
            }
        });
        Set<String> smtpSecrets = Set.of();
        if (provider == ProviderSettings.Provider.SMTP) {
            // an upstream is checked before it is saved: delivery must not find out later that the port is "abc"
            boolean xoauth2 = SmtpUpstream.parse(settings, Optional.empty()).xoauth2().isPresent();
            Set<String> known = xoauth2 ? Set.of(SmtpUpstream.CLIENT_SECRET, SmtpUpstream.REFRESH_TOKEN) : Set.of(SmtpUpstream.PASSWORD);
            newSecrets.keySet().stream().filter(name -> !known.contains(name)).findFirst()
                .ifPresent(name -> {
                    throw new IllegalArgumentException("unknown smtp secret '" + name + "' with auth " + (xoauth2 ? "xoauth2" : "password")
                        + "; known: " + String.join(", ", new TreeSet<>(known)));
                });
            smtpSecrets = known;
        }
        String scope = providerScope(account);
        Optional<ProviderSettings> previous = providerSettings.get(account.id());
        if (previous.isPresent() && previous.get().provider() != provider) {
            secrets.deleteScope(scope);
        } else if (provider == ProviderSettings.Provider.SMTP) {
            // password and XOAUTH2 secrets of an upstream that switched its auth must not linger either
            Set<String> keep = smtpSecrets;
            secrets.names(scope).stream().filter(name -> !keep.contains(name)).forEach(name -> secrets.delete(scope, name));
        }
        providerSettings.put(account.id(), new ProviderSettings(provider, settings));
        newSecrets.forEach((name, value) -> {
            if (value == null) {
                secrets.delete(scope, name);
            } else {
                secrets.put(scope, name, Optional.of(account.id()), value);
            }
        });
    }

    /**
     * The account's stored upstream SMTP settings with their password (for delivery and the connection test; never
     * returned over WebAdmin); empty when its provider is not {@code smtp}.
     */
    public Optional<SmtpUpstream> smtpUpstream(Account account) {
        String scope = providerScope(account);
        return providerSettings.get(account.id()).filter(p -> p.provider() == ProviderSettings.Provider.SMTP)
            .map(p -> SmtpUpstream.parse(p.settings(), name -> secrets.get(scope, name))
                .withTokens(upstreamTokens, rotated -> secrets.put(scope, SmtpUpstream.REFRESH_TOKEN,
                    Optional.of(account.id()), rotated)));
    }

    /**
     * Settings to test before saving them, with the secrets given and, for those not given, the stored ones. A refresh
     * token the endpoint rotates during the test is not stored: these settings are not saved.
     *
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public SmtpUpstream unsavedSmtpUpstream(Account account, Map<String, String> settings,
                                                                           Map<String, String> givenSecrets) {
        String scope = providerScope(account);
        return SmtpUpstream.parse(settings,
            name -> Optional.ofNullable(givenSecrets.get(name)).or(() -> secrets.get(scope, name)))
            .withTokens(upstreamTokens, rotated -> { });
    }

    /** Deletes the provider settings and secrets; false when there were none. */
    public boolean deleteProvider(Account account) {
        boolean deleted = providerSettings.delete(account.id());
        int deletedSecrets = secrets.deleteScope(providerScope(account));
        return deleted || deletedSecrets > 0;
    }

    private static String providerScope(Account account) {
        return SecretVault.accountScope(account.id(), PROVIDER_SECRETS);
    }

    private static void checkName(String field, String name) {
        if (!SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + field + "' names must be 1 to 64 characters A-Z a-z 0-9 . _ -, was '" + name + "'");
        }
    }
}
