package io.postbridge.matchers;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.delivery.DeliveryProvider;
import io.postbridge.core.delivery.ProviderAccounts;

/**
 * Matches mail submitted by an account (the SMTP-authenticated user) whose mail leaves through one of the named
 * providers. Mail without an authenticated user, or from an account without provider settings, does not match.
 *
 * <pre>{@code
 * <mailet match="io.postbridge.matchers.AccountUsesProvider=gmail,graph" class="ToProcessor">
 *     <processor>api-delivery</processor>
 * </mailet>
 * }</pre>
 * The condition is a list of {@code gmail}, {@code graph}, {@code smtp}, separated by commas or {@code |}.
 */
public class AccountUsesProvider extends GenericMatcher {
    private final ProviderAccounts accounts;
    private Set<DeliveryProvider> providers;

    @Inject
    public AccountUsesProvider(ProviderAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public void init() throws MessagingException {
        SettingsReader condition = SettingsReader.matcher(getClass().getSimpleName(), "providers", getCondition());
        try {
            String names = condition.required("providers", "write for example AccountUsesProvider=gmail,graph (one or more of "
                + DeliveryProvider.allWireNames() + ")");
            providers = EnumSet.noneOf(DeliveryProvider.class);
            for (String name : names.split("[,|]")) {
                providers.add(DeliveryProvider.fromWireName(name).orElseThrow(() -> condition.problem("providers",
                    "unknown provider '" + name.trim() + "'; expected one or more of " + DeliveryProvider.allWireNames())));
            }
        } catch (SettingProblem.Invalid e) {
            throw new MessagingException(e.getMessage());
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Optional<String> account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class);
        Optional<String> sealedSecret = AttributeUtils.getValueAndCastFromMail(mail,
            org.apache.mailet.AttributeName.of(ProviderAccounts.SEALED_APP_SECRET), String.class);
        boolean matches = account.flatMap(name -> accounts.providerOf(name, sealedSecret))
            .map(providers::contains)
            .orElse(false);
        return matches ? mail.getRecipients() : null;
    }

    @Override
    public String getMatcherInfo() {
        return "Postbridge: matches mail of accounts that deliver through the given providers";
    }
}
