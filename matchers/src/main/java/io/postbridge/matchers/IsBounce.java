package io.postbridge.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import io.postbridge.core.bounce.DeliveryReportDetector;

/**
 * Matches delivery reports (bounces): RFC 3464 reports, and free-form bounces sent with a null
 * reverse-path from a mailer daemon. Usage: {@code match="io.postbridge.matchers.IsBounce"}.
 */
public class IsBounce extends GenericMatcher {

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        boolean bounce = DeliveryReportDetector.isBounce(!mail.hasSender(),
            Optional.ofNullable(message.getHeader("Content-Type", null)), fromLocalPart(message));
        return bounce ? mail.getRecipients() : List.of();
    }

    private static Optional<String> fromLocalPart(MimeMessage message) throws MessagingException {
        String from = message.getHeader("From", ",");
        if (from == null) {
            return Optional.empty();
        }
        try {
            InternetAddress[] addresses = InternetAddress.parseHeader(from, false);
            if (addresses.length == 0 || addresses[0].getAddress() == null) {
                return Optional.empty();
            }
            String address = addresses[0].getAddress();
            int at = address.lastIndexOf('@');
            return Optional.of(at < 0 ? address : address.substring(0, at));
        } catch (AddressException e) {
            // hostile or broken From: not a daemon we recognise
            return Optional.empty();
        }
    }
}
