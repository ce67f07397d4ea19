package io.postbridge.core.consent;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain sentences for the Microsoft identity error codes a consent callback meets (AADSTSnnnn in error_description). */
public final class AadstsMessages {
    private static final Pattern CODE = Pattern.compile("AADSTS(\\d+)");
    private static final Map<String, String> SENTENCES = Map.ofEntries(
        Map.entry("54005", "This sign-in link was already used. Start again to get a new one."),
        Map.entry("70008", "The sign-in took too long or was withdrawn. Start again."),
        Map.entry("501481", "The sign-in could not be verified (PKCE mismatch). Start again."),
        Map.entry("50011", "The server's address is not registered with Microsoft for this app: the administrator must add "
            + "this redirect URI to the app registration."),
        Map.entry("65001", "Permission to send mail was not granted. Try again and accept the permissions, or ask your "
            + "Microsoft 365 administrator to grant consent for this app."),
        Map.entry("65004", "You declined to give the app the permissions it asked for."),
        Map.entry("90094", "Your organization requires an administrator to approve this app. Ask your Microsoft 365 administrator."),
        Map.entry("700016", "This app is not known in your organization's directory. The administrator must check the app "
            + "registration (client id and tenant)."),
        Map.entry("7000215", "The server's Microsoft app secret is wrong. Tell the administrator."),
        Map.entry("7000222", "The server's Microsoft app secret has expired. Tell the administrator."),
        Map.entry("50076", "Your organization requires multi-factor sign-in: complete it and try again."),
        Map.entry("53003", "Your organization's access policies block this sign-in. Ask your administrator."));

    private AadstsMessages() {
    }

    public static Optional<String> code(String description) {
        Matcher matcher = CODE.matcher(description == null ? "" : description);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** A plain sentence for the AADSTS code in this description, if we know it. */
    public static Optional<String> sentence(String description) {
        return code(description).map(SENTENCES::get);
    }
}
