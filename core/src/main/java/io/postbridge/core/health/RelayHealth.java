package io.postbridge.core.health;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.net.ssl.SSLSocketFactory;

/**
 * {@code Postbridge:relay}: the server-wide relays (SmtpDelivery's {@code <smarthost>}) answer EHLO. Each relay's
 * answer is cached for {@code cacheTime}, so probing {@code /healthcheck} often does not open a connection each
 * time. Healthy when no relay is configured (direct MX delivery) or all answer; degraded when some do not (the
 * others take the mail); unhealthy when none does (mail to remote domains is deferred).
 */
public final class RelayHealth {
    /** A relay to probe. */
    public static final class Relay {
        private final String host;
        private final int port;
        private final boolean implicitTls;

        public Relay(String host, int port, boolean implicitTls) {
            this.host = Objects.requireNonNull(host);
            this.port = port;
            this.implicitTls = implicitTls;
        }

        public String describe() {
            return host + ":" + port;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Relay && host.equals(((Relay) o).host) && port == ((Relay) o).port
                && implicitTls == ((Relay) o).implicitTls;
        }

        @Override
        public int hashCode() {
            return Objects.hash(host, port, implicitTls);
        }
    }

    /** Probes one relay: empty when it answered EHLO with 250, else what went wrong. */
    public interface Prober {
        Optional<String> probe(Relay relay);
    }

    private static final class Cached {
        final Instant at;
        final Optional<String> problem;

        Cached(Instant at, Optional<String> problem) {
            this.at = at;
            this.problem = problem;
        }
    }

    private final Supplier<List<Relay>> relays;
    private final Prober prober;
    private final Clock clock;
    private final Duration cacheTime;
    private final Map<Relay, Cached> cache = new ConcurrentHashMap<>();

    public RelayHealth(Supplier<List<Relay>> relays, Prober prober, Clock clock, Duration cacheTime) {
        this.relays = relays;
        this.prober = prober;
        this.clock = clock;
        this.cacheTime = cacheTime;
    }

    public HealthReport check() {
        List<Relay> configured = relays.get();
        if (configured.isEmpty()) {
            return HealthReport.healthy();
        }
        Instant now = clock.instant();
        List<String> problems = new ArrayList<>();
        for (Relay relay : configured) {
            Cached cached = cache.get(relay);
            if (cached == null || cached.at.plus(cacheTime).isBefore(now)) {
                cached = new Cached(now, prober.probe(relay));
                cache.put(relay, cached);
            }
            cached.problem.ifPresent(problem -> problems.add(relay.describe() + ": " + problem));
        }
        if (problems.isEmpty()) {
            return HealthReport.healthy();
        }
        String cause = "relay " + String.join("; ", problems) + " (checked at most every " + cacheTime.toSeconds()
            + " s, health.relay.cacheTime)";
        if (problems.size() == configured.size()) {
            return HealthReport.unhealthy(cause + ": no relay answers, mail to remote domains is deferred; check the relay"
                + " (<smarthost> of SmtpDelivery in mailetcontainer.xml) and the network path to it");
        }
        return HealthReport.degraded(cause + ": the other relays take the mail");
    }

    /** Connects, reads the greeting, sends EHLO, expects 250, says QUIT. */
    public static Prober ehlo(String heloName, Duration timeout) {
        return relay -> {
            int millis = (int) timeout.toMillis();
            try (Socket socket = relay.implicitTls ? SSLSocketFactory.getDefault().createSocket() : new Socket()) {
                socket.connect(new InetSocketAddress(relay.host, relay.port), millis);
                socket.setSoTimeout(millis);
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = socket.getOutputStream();
                String greeting = reply(in);
                if (!greeting.startsWith("220")) {
                    return Optional.of("greeting was '" + greeting + "'");
                }
                out.write(("EHLO " + heloName + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String ehlo = reply(in);
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return ehlo.startsWith("250") ? Optional.empty() : Optional.of("EHLO answered '" + ehlo + "'");
            } catch (IOException e) {
                return Optional.of("no answer to EHLO (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
        };
    }

    /** The last line of a (multi-line) SMTP reply. */
    private static String reply(BufferedReader in) throws IOException {
        String line;
        do {
            line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed");
            }
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }
}
