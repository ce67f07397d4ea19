package io.postbridge.mailets;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;

import io.postbridge.core.delivery.ApiSender;
import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.MemoryBudget;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.delivery.ProviderAccount;
import io.postbridge.core.delivery.ProviderAccounts;
import io.postbridge.core.delivery.RecipientOutcomes;
import io.postbridge.core.metrics.DeliveryMetrics;
import io.postbridge.core.metrics.PostbridgeMetrics;

/**
 * One API delivery attempt of a queued mail (the queue, retries, DSNs and events are {@link DeliveryQueueWorker}'s,
 * shared with SMTP delivery): looks up the account's Gmail/Graph settings and hands the mail to the provider API,
 * without blocking a thread. The API answers for the whole message, so every recipient gets the same outcome.
 */
final class ApiDeliveryWorker implements DeliveryQueueWorker.Attempt {
    private final ApiSender sender;
    private final ProviderAccounts accounts;
    /** Message content in memory for deliveries in progress: a quarter of the heap, counted three times per message
     *  (its bytes, the upload copy, and for large Graph mail the parsed parts). */
    private final MemoryBudget memory = MemoryBudget.shareOfHeap(0.25);

    private final DeliveryMetrics metrics;

    ApiDeliveryWorker(ApiSender sender, ProviderAccounts accounts) {
        this(sender, accounts, new DeliveryMetrics(PostbridgeMetrics.NONE));
    }

    ApiDeliveryWorker(ApiSender sender, ProviderAccounts accounts, DeliveryMetrics metrics) {
        this.sender = sender;
        this.accounts = accounts;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<RecipientOutcomes> attempt(Mail mail) {
        String account = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_AUTH_USER, String.class).orElse("");
        Optional<ProviderAccount> settings;
        try {
            settings = accounts.forMail(account, sealedAppSecret(mail)).filter(a -> a.kind() != ProviderAccount.Kind.SMTP);
        } catch (RuntimeException e) {
            // incomplete settings, store unavailable: an operator can fix it within the retry window
            return all(mail, DeliveryOutcome.transientFailure(e.getMessage(), Optional.empty()));
        }
        if (settings.isEmpty()) {
            // the account may come back (store briefly unavailable, settings being edited): retry within the window
            return all(mail, DeliveryOutcome.transientFailure("account '" + account + "' has no Gmail or Graph settings",
                Optional.empty()));
        }
        long weight = 3 * Math.max(messageSize(mail), 1);
        return metrics.observe(DeliveryMetrics.route(settings.get().provider()), memory.acquire(weight)
            .thenCompose(ignored -> {
                OutgoingMail outgoing;
                try {
                    outgoing = new OutgoingMail(mail.getName(), mail.getMaybeSender().asOptional().map(MailAddress::asString),
                        DeliveryQueueWorker.recipients(mail), DeliveryQueueWorker.bytes(mail.getMessage()));
                } catch (Exception e) {
                    return CompletableFuture.completedFuture(DeliveryOutcome.permanentFailure(
                        "the queued message cannot be read: " + e.getMessage(), "5.6.0"));
                }
                return sender.deliver(settings.get(), outgoing);
            })
            .whenComplete((outcome, error) -> memory.release(weight))
            .thenApply(outcome -> RecipientOutcomes.all(DeliveryQueueWorker.recipients(mail), outcome)));
    }

    private static CompletableFuture<RecipientOutcomes> all(Mail mail, DeliveryOutcome outcome) {
        return CompletableFuture.completedFuture(RecipientOutcomes.all(DeliveryQueueWorker.recipients(mail), outcome));
    }

    private static long messageSize(Mail mail) {
        try {
            return mail.getMessageSize();
        } catch (MessagingException e) {
            return 1024 * 1024;
        }
    }

    static Optional<String> sealedAppSecret(Mail mail) {
        return AttributeUtils.getValueAndCastFromMail(mail, AttributeName.of(ProviderAccounts.SEALED_APP_SECRET), String.class);
    }
}
