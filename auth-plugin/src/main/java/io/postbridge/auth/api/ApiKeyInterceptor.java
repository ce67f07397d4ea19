package io.postbridge.auth.api;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.api.ApiAuthentication;
import io.postbridge.core.api.ApiFailure;

/** Every MailService and OtpService call: the account of the {@code authorization: Bearer pbk_...} metadata, or a refusal. */
final class ApiKeyInterceptor implements ServerInterceptor {
    static final Context.Key<Account> ACCOUNT = Context.key("postbridge-account");
    static final Context.Key<String> CLIENT_IP = Context.key("postbridge-client-ip");
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ApiAuthentication authentication;

    ApiKeyInterceptor(ApiAuthentication authentication) {
        this.authentication = Objects.requireNonNull(authentication);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String clientIp = clientIp(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        Account account;
        try {
            account = authentication.authenticate(headers.get(AUTHORIZATION), clientIp);
        } catch (ApiFailure failure) {
            io.grpc.StatusRuntimeException status = GrpcStatuses.of(failure);
            call.close(status.getStatus(), status.getTrailers() == null ? new Metadata() : status.getTrailers());
            return new ServerCall.Listener<Q>() { };
        }
        Context context = Context.current().withValue(ACCOUNT, account).withValue(CLIENT_IP, clientIp);
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static String clientIp(SocketAddress address) {
        if (address instanceof InetSocketAddress && ((InetSocketAddress) address).getAddress() != null) {
            return ((InetSocketAddress) address).getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
