package io.postbridge.auth.alias;

import javax.inject.Inject;
import javax.mail.internet.AddressException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;

import io.postbridge.core.alias.LocalMailboxes;

/**
 * James's view of local addresses: its domain list, its users, and its own RecipientRewriteTable mappings
 * (the same checks as James's ValidRcptHandler).
 */
public class JamesLocalMailboxes implements LocalMailboxes {
    private final DomainList domains;
    private final UsersRepository users;
    private final RecipientRewriteTable recipientRewriteTable;

    @Inject
    public JamesLocalMailboxes(DomainList domains, UsersRepository users, RecipientRewriteTable recipientRewriteTable) {
        this.domains = domains;
        this.users = users;
        this.recipientRewriteTable = recipientRewriteTable;
    }

    @Override
    public boolean isLocalDomain(String domain) {
        Domain parsed;
        try {
            parsed = Domain.of(domain);
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            return domains.containsDomain(parsed);
        } catch (DomainListException e) {
            throw new IllegalStateException("domain list lookup failed", e);
        }
    }

    @Override
    public boolean isLocalUser(String address) {
        MailAddress mailAddress;
        try {
            mailAddress = new MailAddress(address);
        } catch (AddressException e) {
            return false;
        }
        try {
            if (users.contains(users.getUsername(mailAddress))) {
                return true;
            }
            return !recipientRewriteTable.getResolvedMappings(mailAddress.getLocalPart(), mailAddress.getDomain()).isEmpty();
        } catch (RecipientRewriteTable.ErrorMappingException e) {
            // James has an error mapping for it: James answers for this address
            return true;
        } catch (UsersRepositoryException | RecipientRewriteTableException e) {
            throw new IllegalStateException("user lookup failed", e);
        }
    }
}
