package io.postbridge.core.microsoft;

/** Obtains an app-only (client credentials) token for an Entra application, caching it for its lifetime. */
public interface MicrosoftTokenClient {
    /**
     * @return the access token
     * @throws InvalidCredentials when Entra rejects the tenant, client or secret (a 4xx from the token endpoint)
     * @throws Unavailable when Entra cannot be asked now (network, 5xx, timeout)
     */
    String accessToken(MicrosoftAppId app, String clientSecret);

    class InvalidCredentials extends RuntimeException {
        public InvalidCredentials(String message) {
            super(message);
        }
    }

    class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
