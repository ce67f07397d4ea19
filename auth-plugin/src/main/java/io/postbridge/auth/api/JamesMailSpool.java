package io.postbridge.auth.api;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import io.postbridge.core.api.MailSpool;
import io.postbridge.core.mail.MailAttributes;

/**
 * James's spool queue, the one its SMTP server enqueues into: an API mail is processed by the mailet container like
 * an SMTP submission of the account (relay allowed as for SMTP AUTH; DKIM, routing and API delivery unchanged).
 * {@code enQueue} returns once the queue holds the mail (on disk with the durable spool).
 */
public class JamesMailSpool implements MailSpool {
    private final MailQueue spool;

    @Inject
    public JamesMailSpool(MailQueueFactory<?> queues) {
        this.spool = queues.createQueue(MailQueueFactory.SPOOL);
    }

    @Override
    public void enqueue(Submission submission) throws SpoolUnavailable {
        MailImpl mail;
        try {
            List<MailAddress> recipients = new ArrayList<>();
            for (String recipient : submission.recipients()) {
                recipients.add(new MailAddress(recipient));
            }
            mail = MailImpl.builder().name(submission.mailName()).sender(new MailAddress(submission.sender()))
                .addRecipients(recipients).mimeMessage(submission.message())
                // what SenderPolicyHook and James's SMTP server put on an authenticated submission
                .addAttribute(attribute(MailAttributes.ACCOUNT, submission.account()))
                .addAttribute(attribute(MailAttributes.AUTH_KIND, "api-key"))
                .addAttribute(attribute(Mail.SMTP_AUTH_USER.asString(), submission.account()))
                .build();
        } catch (javax.mail.MessagingException e) {
            throw new IllegalArgumentException("not a mail address: " + e.getMessage(), e);
        }
        try {
            spool.enQueue(mail);
        } catch (Exception e) {
            throw new SpoolUnavailable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    private static Attribute attribute(String name, String value) {
        return new Attribute(AttributeName.of(name), AttributeValue.of(value));
    }
}
