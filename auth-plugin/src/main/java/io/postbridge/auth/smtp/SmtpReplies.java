package io.postbridge.auth.smtp;

import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

/** Hook results with explicit SMTP codes; the description starts with the enhanced status code (RFC 3463). */
final class SmtpReplies {
    private SmtpReplies() {
    }

    static HookResult deny(String code, String description) {
        return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode(code).smtpDescription(description).build();
    }

    static HookResult denySoft(String code, String description) {
        return HookResult.builder().hookReturnCode(HookReturnCode.denySoft()).smtpReturnCode(code).smtpDescription(description).build();
    }

    /** A temporary refusal after which the server closes the connection (brute force must reconnect). */
    static HookResult denySoftAndDisconnect(String code, String description) {
        return HookResult.builder().hookReturnCode(HookReturnCode.disconnected(HookReturnCode.Action.DENYSOFT))
            .smtpReturnCode(code).smtpDescription(description).build();
    }

    static HookResult ok(String code, String description) {
        return HookResult.builder().hookReturnCode(HookReturnCode.ok()).smtpReturnCode(code).smtpDescription(description).build();
    }
}
