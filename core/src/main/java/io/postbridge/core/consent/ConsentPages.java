package io.postbridge.core.consent;

import java.util.List;
import java.util.Optional;

import io.postbridge.core.settings.ConsentSettings;

/**
 * The HTML of the consent pages. Every value that is not a constant of this class (provider text, addresses,
 * account names, the key) goes through {@link #escape}; the pages carry no inline script or style, so the listener's
 * Content-Security-Policy can forbid both.
 */
public final class ConsentPages {
    public static final String STYLESHEET = "/connect/assets/consent.css";
    public static final String SCRIPT = "/connect/assets/copy.js";

    private ConsentPages() {
    }

    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '&': out.append("&amp;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default:
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        out.append(' ');
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.toString();
    }

    /** GET /connect: one button per configured provider. */
    public static String landing(List<ConsentProvider> providers, Optional<String> invitation) {
        StringBuilder body = new StringBuilder("<h1>Connect your mailbox</h1>\n<p>Sign in with your mail provider and allow this "
            + "server to send mail as you. You then get an SMTP username and key for your printer, scanner, ERP or script.</p>\n");
        for (ConsentProvider provider : providers) {
            String href = "/connect/" + provider.pathName() + invitation.map(i -> "?invitation=" + escape(urlEncode(i))).orElse("");
            body.append("<p><a class=\"button\" id=\"connect-").append(provider.pathName()).append("\" href=\"").append(href)
                .append("\">Connect with ").append(provider.displayName()).append("</a></p>\n");
        }
        return page("Connect your mailbox", body.toString());
    }

    public static String outcome(ConsentOutcome outcome, ConsentSettings settings) {
        if (outcome.connected().isPresent()) {
            return keyPage(outcome, outcome.connected().get(), settings);
        }
        String provider = outcome.provider().displayName();
        String retry = retryLink(outcome);
        String title;
        String text;
        switch (outcome.kind()) {
            case DENIED:
                title = "You did not allow access";
                text = "<p>" + provider + " says you declined. Nothing was set up. To connect, try again and accept the "
                    + "permissions, including <em>Send email on your behalf</em>.</p>" + retry;
                break;
            case SEND_SCOPE_MISSING:
                title = "Permission to send mail is missing";
                text = "<p>You signed in but did not tick the permission to <strong>send email on your behalf</strong>. "
                    + "Without it this server cannot send your mail, so the partial access was withdrawn again.</p>"
                    + "<p>Try again and leave the send-mail box ticked.</p>" + retry;
                break;
            case LINK_USED:
                title = "This link was used";
                text = "<p>This sign-in page was already opened once (a reload, the back button, or a copied link). "
                    + "For your safety it works only once, and no key is shown again.</p>"
                    + "<p>If you did not save your key, connect again: you get a new key and the old one stops working.</p>" + retry;
                break;
            case LINK_EXPIRED:
                title = "This sign-in link has expired";
                text = "<p>The sign-in took too long, or was started in another browser or window. Start again from this browser.</p>" + retry;
                break;
            case NO_REFRESH_TOKEN:
                title = provider + " did not give lasting access";
                text = "<p>" + provider + " signed you in but did not grant access that lasts beyond the next hour. "
                    + "Remove this app's access at your account's security page (for Google: "
                    + "myaccount.google.com/permissions), then connect again.</p>" + retry;
                break;
            case PROVIDER_DOWN:
                title = provider + " is not answering";
                text = "<p>" + provider + " could not be reached just now. Nothing was set up. Please try again in a few minutes.</p>" + retry;
                break;
            case DOMAIN_NOT_ALLOWED:
                title = "This address cannot be connected here";
                text = "<p>This server only connects mailboxes of its own domains. The access you granted was withdrawn again.</p>"
                    + "<p>Sign in with your work address instead, or ask the administrator.</p>" + retry;
                break;
            case IDENTITY_MISMATCH:
                title = "This address is connected to another sign-in";
                text = "<p>The account for this address was connected by a different " + provider + " user. It was not changed. "
                    + "Ask the administrator if the address changed hands.</p>";
                break;
            case NOT_INVITED:
                title = "An invitation is needed";
                text = "<p>Connecting a mailbox here needs an invitation link from the administrator, and the link must be "
                    + "used by the address it was made for. Ask for a new link.</p>";
                break;
            case NOT_CONFIGURED:
                title = "Not available";
                text = "<p>Connecting with " + provider + " is not set up on this server.</p>";
                break;
            default:
                title = provider + " reported a problem";
                text = "<p>Nothing was set up.</p>" + retry;
        }
        String said = outcome.providerText().map(t -> "<p class=\"provider\">" + provider + " said: <q>" + escape(t) + "</q></p>").orElse("");
        return page(title, "<h1>" + escape(title) + "</h1>\n" + text + "\n" + said);
    }

    private static String retryLink(ConsentOutcome outcome) {
        String hint = outcome.mailbox().map(m -> "?login_hint=" + urlEncode(m)).orElse("");
        return "<p><a class=\"button\" id=\"retry\" href=\"/connect/" + outcome.provider().pathName() + escape(hint)
            + "\">Try again with " + outcome.provider().displayName() + "</a></p>";
    }

    private static String keyPage(ConsentOutcome outcome, ConsentAccounts.Connected connected, ConsentSettings settings) {
        String mailbox = escape(outcome.mailbox().orElse(""));
        StringBuilder body = new StringBuilder();
        body.append("<h1>").append(mailbox).append(" is connected</h1>\n");
        if (connected.revokedKeys() > 0) {
            body.append("<p id=\"revoked\">Your previous key (").append(connected.revokedKeys() == 1 ? "1 key" : connected.revokedKeys() + " keys")
                .append(") no longer works: use the new one below.</p>\n");
        }
        if (connected.repairedConsent()) {
            body.append("<p id=\"repaired\">Access was renewed: mail from this account is delivered again.</p>\n");
        }
        body.append("<p class=\"warning\"><strong>Copy the key now.</strong> It is shown only on this page, only this once. "
            + "Reloading this page does not show it again.</p>\n");
        body.append("<table>\n");
        row(body, "SMTP server", "smtp-host", escape(settings.smtpHost()));
        row(body, "Port", "smtp-port", Integer.toString(settings.smtpPort()));
        row(body, "Security", "smtp-security", escape(settings.smtpSecurity()));
        row(body, "Authentication", "smtp-auth", "PLAIN or LOGIN");
        row(body, "Username", "smtp-username", escape(connected.account().name()));
        body.append("<tr><th>Password (API key)</th><td><code id=\"api-key\">").append(escape(connected.key().token()))
            .append("</code> <button type=\"button\" id=\"copy\" data-copy=\"api-key\">Copy</button></td></tr>\n");
        row(body, "Send as", "sender", mailbox);
        body.append("</table>\n<p>Mail sent with this key leaves through ").append(outcome.provider().displayName())
            .append(" as ").append(mailbox).append(".</p>\n");
        return page("Connected", body.toString());
    }

    private static void row(StringBuilder body, String label, String id, String escapedValue) {
        body.append("<tr><th>").append(label).append("</th><td><code id=\"").append(id).append("\">").append(escapedValue)
            .append("</code></td></tr>\n");
    }

    public static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<meta name=\"referrer\" content=\"no-referrer\">"
            + "<title>" + escape(title) + "</title><link rel=\"stylesheet\" href=\"" + STYLESHEET + "\"></head>\n<body><main>\n"
            + body + "\n</main><script src=\"" + SCRIPT + "\"></script></body></html>\n";
    }

    public static String stylesheet() {
        return "body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1d232b;margin:0}"
            + "main{max-width:40rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 4px #0002}"
            + "h1{font-size:1.4rem}th{text-align:left;padding:.3rem 1rem .3rem 0;vertical-align:top}"
            + "code{font-size:1rem;word-break:break-all}.warning{background:#fff4d6;padding:.6rem;border-radius:4px}"
            + ".button{display:inline-block;background:#1a5fd0;color:#fff;padding:.6rem 1.2rem;border-radius:4px;text-decoration:none}"
            + "button{margin-left:.5rem}.provider{color:#555}";
    }

    public static String copyScript() {
        return "document.querySelectorAll('button[data-copy]').forEach(function(b){b.addEventListener('click',function(){"
            + "var t=document.getElementById(b.getAttribute('data-copy')).textContent;"
            + "if(navigator.clipboard){navigator.clipboard.writeText(t).then(function(){b.textContent='Copied';});}"
            + "else{var r=document.createRange();r.selectNodeContents(document.getElementById(b.getAttribute('data-copy')));"
            + "var s=window.getSelection();s.removeAllRanges();s.addRange(r);document.execCommand('copy');b.textContent='Copied';}"
            + "});});";
    }

    private static String urlEncode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }
}
