package io.postbridge.auth.webadmin;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.webadmin.utils.JsonTransformer;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.otp.OtpRepository;
import io.postbridge.core.otp.OtpTemplate;
import spark.Request;
import spark.Response;

/**
 * The code mail of an account's one-time codes (OtpService): {@code GET|PUT|DELETE /postbridge/accounts/NAME/otp-template}
 * with {@code {"subject": "...", "body": "...", "from": "..."}}; {@code {code}} and {@code {minutes}} are replaced.
 * Without one the {@code otp.subject}/{@code otp.body} defaults of postbridge.properties apply. Enabled by adding
 * {@code io.postbridge.auth.webadmin.OtpTemplateRoutes} to {@code extensions.routes} in {@code webadmin.properties}.
 */
public class OtpTemplateRoutes extends PostbridgeRoutes {
    public static final String BASE_PATH = "/postbridge/accounts";
    private static final String TEMPLATE = BASE_PATH + "/:name/otp-template";

    private final AccountAdministration admin;
    private final OtpRepository codes;

    @Inject
    public OtpTemplateRoutes(AccountAdministration admin, OtpRepository codes, JsonTransformer json) {
        super(BASE_PATH, json);
        this.admin = admin;
        this.codes = codes;
    }

    @Override
    protected void routes(WebAdminRoutes routes) {
        routes
            .get(TEMPLATE, (request, response) -> {
                Account account = admin.require(request.params("name"));
                return json(codes.template(account.id()).orElseThrow(() ->
                    JsonBody.notFound("account '" + account.name() + "' has no OTP template (the postbridge.properties defaults apply)")));
            })
            .put(TEMPLATE, this::put)
            .delete(TEMPLATE, (request, response) -> {
                Account account = admin.require(request.params("name"));
                if (!codes.deleteTemplate(account.id())) {
                    throw JsonBody.notFound("account '" + account.name() + "' has no OTP template");
                }
                return WebAdminRoutes.noContent(response);
            });
    }

    private Object put(Request request, Response response) {
        Account account = admin.require(request.params("name"));
        JsonBody body = JsonBody.parse(request, Set.of("subject", "body", "from"));
        OtpTemplate template;
        try {
            template = new OtpTemplate(body.string("from").map(String::trim).filter(from -> !from.isEmpty()),
                body.requiredString("subject"), body.requiredString("body"));
        } catch (IllegalArgumentException e) {
            throw JsonBody.badRequest(e.getMessage());
        }
        codes.saveTemplate(account.id(), template, Clock.systemUTC().instant());
        return WebAdminRoutes.noContent(response);
    }

    private static Map<String, Object> json(OtpTemplate template) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("subject", template.subject());
        json.put("body", template.body());
        json.put("from", template.sender().orElse(null));
        return json;
    }
}
