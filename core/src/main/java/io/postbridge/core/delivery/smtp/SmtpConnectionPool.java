package io.postbridge.core.delivery.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.Session;
import javax.mail.URLName;
import javax.net.ssl.SSLSocketFactory;

import org.apache.commons.pool2.BaseKeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPTransport;

/**
 * Open SMTP connections, keyed by {@link SmtpRoute} (route and credentials: never shared between accounts), reused
 * across messages. A connection is checked before each reuse with an RSET round trip, and closed (QUIT) once older
 * than {@code maxLifetime}, idle longer than {@code maxIdle} or after {@code maxMessages}. A delivery that hits an I/O
 * error or a 421 invalidates its connection ({@link #invalidate}). At most {@code connectionsPerRoute} connections
 * are open per route.
 *
 * <p>The javax.mail {@link Session} is made once per kind of route and the transport is constructed directly, so no
 * provider lookup ({@code Session.getTransport}, which scans the class path) happens per message.
 */
public final class SmtpConnectionPool implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpConnectionPool.class);

    private final SmtpPoolSettings settings;
    private final Clock clock;
    private final GenericKeyedObjectPool<SmtpRoute, SmtpConnection> pool;
    /** By TLS mode and AUTH: the only route properties in a Session (a server sending to many MX hosts needs 2). */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<SmtpRoute, Counters> counters = new ConcurrentHashMap<>();
    /** XOAUTH2 upstreams' access tokens: one fetch per token lifetime and credentials, shared by their connections. */
    private final io.postbridge.core.oauth.TokenCache tokens;
    /** When {@link #purgeIdleRoutes} runs next (from borrow and status: no thread of its own). */
    private volatile Instant nextPurge = Instant.MIN;

    public SmtpConnectionPool(SmtpPoolSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.tokens = new io.postbridge.core.oauth.TokenCache(clock, io.postbridge.core.oauth.TokenCache.DEFAULT_REFRESH_AHEAD,
            settings.reauthMargin().multipliedBy(2));
        GenericKeyedObjectPoolConfig<SmtpConnection> config = new GenericKeyedObjectPoolConfig<>();
        config.setMaxTotalPerKey(settings.connectionsPerRoute());
        config.setMaxIdlePerKey(settings.connectionsPerRoute());
        config.setMaxTotal(-1);
        config.setLifo(true); // reuse the most recently used connection: the others go idle and are closed
        config.setTestOnBorrow(true);
        config.setBlockWhenExhausted(true);
        config.setMaxWait(settings.borrowTimeout());
        // the evictor closes idle connections in the background; borrow checks the same limits in the foreground
        config.setTimeBetweenEvictionRuns(min(settings.maxIdle(), Duration.ofSeconds(1)));
        config.setMinEvictableIdleTime(settings.maxIdle());
        config.setNumTestsPerEvictionRun(Integer.MAX_VALUE);
        config.setJmxEnabled(false);
        this.pool = new GenericKeyedObjectPool<>(new Factory(), config);
    }

    public SmtpConnectionPool(SmtpPoolSettings settings) {
        this(settings, Clock.systemUTC());
    }

    public SmtpPoolSettings settings() {
        return settings;
    }

    /** An open connection for {@code route}: a pooled one that passed its checks, or a new one (connect, TLS, AUTH). */
    public SmtpConnection borrow(SmtpRoute route) throws Exception {
        purgeIfDue();
        counters(route).touch(clock.instant());
        SmtpConnection connection = pool.borrowObject(route);
        connection.used(clock.instant());
        return connection;
    }

    /** Back to the pool after a delivery that left the connection usable. */
    public void release(SmtpConnection connection) {
        connection.used(clock.instant());
        pool.returnObject(connection.route(), connection);
    }

    /** After an I/O error, a 421 or anything that leaves the session state unknown: closed, never reused. */
    public void invalidate(SmtpConnection connection) {
        try {
            pool.invalidateObject(connection.route(), connection);
        } catch (Exception e) {
            LOGGER.debug("closing a broken connection to {} failed", connection.route(), e);
        }
    }

    /** One more message accepted on {@code connection}. */
    public void countMessage(SmtpConnection connection) {
        connection.countMessage();
        Counters count = counters(connection.route());
        count.messages.incrementAndGet();
        count.touch(clock.instant());
    }

    /** Closes idle connections of routes no longer in use (an account's changed password or host): they drain. */
    public void retire(SmtpRoute route) {
        pool.clear(route);
    }

    /**
     * Forgets the counters of routes that have no open connection and were not used for
     * {@link SmtpPoolSettings#routeRetention}: without this, every MX host ever reached would stay listed (and in
     * memory) until the restart.
     *
     * @return how many routes were forgotten
     */
    public int purgeIdleRoutes() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(settings.routeRetention());
        int purged = 0;
        for (Map.Entry<SmtpRoute, Counters> entry : counters.entrySet()) {
            SmtpRoute route = entry.getKey();
            if (entry.getValue().lastUsed().isBefore(cutoff) && pool.getNumActive(route) + pool.getNumIdle(route) == 0
                && counters.remove(route, entry.getValue())) {
                purged++;
            }
        }
        nextPurge = now.plus(min(settings.routeRetention(), Duration.ofMinutes(1)));
        return purged;
    }

    private void purgeIfDue() {
        if (!clock.instant().isBefore(nextPurge)) {
            purgeIdleRoutes();
        }
    }

    /** Every route with connections, or used within {@link SmtpPoolSettings#routeRetention}. */
    public List<PoolStatus> status() {
        purgeIdleRoutes();
        List<PoolStatus> result = new ArrayList<>();
        counters.forEach((route, count) -> result.add(new PoolStatus(route.describe(), route.kind().wireName(),
            route.owner(), pool.getNumActive(route) + pool.getNumIdle(route), pool.getNumIdle(route), count.opened.get(),
            count.messages.get())));
        result.sort(java.util.Comparator.comparing(PoolStatus::destination));
        return result;
    }

    @Override
    public void close() {
        pool.close();
    }

    private Counters counters(SmtpRoute route) {
        return counters.computeIfAbsent(route, r -> new Counters());
    }

    private Session session(SmtpRoute route) {
        return sessions.computeIfAbsent(route.security() + "/" + route.username().isPresent() + "/" + route.oauth().isPresent(),
            key -> newSession(route));
    }

    private Session newSession(SmtpRoute route) {
        return Session.getInstance(sessionProperties(route, settings, settings.verifiedTls()));
    }

    /** The javax.mail settings of a route (shared with {@link SmtpUpstreamCheck}, so a test connects as delivery does). */
    static Properties sessionProperties(SmtpRoute route, SmtpPoolSettings settings, Optional<? extends SSLSocketFactory> verifiedTls) {
        Properties props = new Properties();
        props.put("mail.smtp.connectiontimeout", String.valueOf(settings.connectTimeout().toMillis()));
        props.put("mail.smtp.timeout", String.valueOf(settings.readTimeout().toMillis()));
        props.put("mail.smtp.writetimeout", String.valueOf(settings.readTimeout().toMillis()));
        props.put("mail.smtp.localhost", settings.heloName());
        props.put("mail.smtp.sendpartial", "true"); // per-recipient answers: accepted ones are delivered
        props.put("mail.smtp.userset", "true");     // the liveness check is RSET, like Postfix's
        props.put("mail.smtp.quitwait", "false");   // QUIT is sent on close, without waiting for the answer
        props.put("mail.mime.allowutf8", "true");   // SMTPUTF8 in MAIL FROM when the server offers it
        props.put("mail.smtp.auth", String.valueOf(route.username().isPresent()));
        if (route.oauth().isPresent()) {
            props.put("mail.smtp.auth.mechanisms", "XOAUTH2");
            props.put("mail.smtp.auth.xoauth2.disable", "false");
        } else {
            // PLAIN sends the credentials with the command (1 round trip); javax.mail's default order tries LOGIN first (3)
            props.put("mail.smtp.auth.mechanisms", "PLAIN LOGIN");
        }
        switch (route.security()) {
            case OPPORTUNISTIC:
                props.put("mail.smtp.starttls.enable", "true");
                props.put("mail.smtp.ssl.trust", "*"); // RFC 7435: encrypt when possible, MX certificates are not checked
                break;
            case STARTTLS:
                props.put("mail.smtp.starttls.enable", "true");
                props.put("mail.smtp.starttls.required", "true");
                props.put("mail.smtp.ssl.checkserveridentity", "true");
                verifiedTls.ifPresent(factory -> props.put("mail.smtp.ssl.socketFactory", factory));
                break;
            case TLS:
                props.put("mail.smtp.ssl.enable", "true");
                props.put("mail.smtp.ssl.checkserveridentity", "true");
                verifiedTls.ifPresent(factory -> props.put("mail.smtp.ssl.socketFactory", factory));
                break;
            default:
                break;
        }
        return props;
    }

    private boolean usable(SmtpConnection connection) {
        Instant now = clock.instant();
        if (!Duration.between(connection.opened(), now).minus(settings.maxLifetime()).isNegative()) {
            return false;
        }
        if (connection.messages() >= settings.maxMessages()) {
            return false;
        }
        if (Duration.between(connection.lastUsed(), now).compareTo(settings.maxIdle()) > 0) {
            return false;
        }
        if (connection.retireAt().map(retireAt -> !now.isBefore(retireAt)).orElse(false)) {
            LOGGER.debug("retiring a connection to {}: its access token is about to expire", connection.route());
            return false;
        }
        return connection.transport().isConnected(); // RSET round trip
    }

    private final class Factory extends BaseKeyedPooledObjectFactory<SmtpRoute, SmtpConnection> {
        @Override
        public SmtpConnection create(SmtpRoute route) throws Exception {
            Session session = session(route);
            SMTPTransport transport = new SMTPTransport(session, new URLName("smtp", route.connectTo(), route.port(), null,
                route.username().orElse(null), null));
            if (route.oauth().isPresent()) {
                return connectWithToken(route, route.oauth().get(), transport);
            }
            transport.connect(route.connectTo(), route.port(), route.username().orElse(null), route.password().orElse(null));
            counters(route).opened.incrementAndGet();
            LOGGER.debug("connected to {}", route);
            return new SmtpConnection(route, transport, clock.instant());
        }

        private SmtpConnection connectWithToken(SmtpRoute route, SmtpRoute.OAuth oauth, SMTPTransport transport) throws Exception {
            io.postbridge.core.oauth.AccessToken token;
            try {
                token = tokens.token(oauth.credentialId(), oauth::tokens).get(settings.connectTimeout().toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof io.postbridge.core.oauth.TokenException) {
                    // kept as it is: a revoked grant (invalid_grant) is the account's to fix, not a connection failure
                    throw (io.postbridge.core.oauth.TokenException) e.getCause();
                }
                throw new javax.mail.MessagingException("no access token for " + route.describe() + ": "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
            }
            try {
                transport.connect(route.connectTo(), route.port(), route.username().orElse(null), token.value());
            } catch (javax.mail.AuthenticationFailedException e) {
                tokens.invalidate(oauth.credentialId(), token.value()); // revoked early: the next attempt gets a new one
                throw e;
            }
            counters(route).opened.incrementAndGet();
            LOGGER.debug("connected to {} with a token valid until {}", route, token.expiresAt());
            Instant now = clock.instant();
            // reauthMargin before the expiry, or half the token's remaining life if that is shorter
            Duration left = Duration.between(now, token.expiresAt());
            Duration margin = min(settings.reauthMargin(), left.dividedBy(2));
            return new SmtpConnection(route, transport, now, Optional.of(token.expiresAt().minus(margin)));
        }

        @Override
        public PooledObject<SmtpConnection> wrap(SmtpConnection connection) {
            return new DefaultPooledObject<>(connection);
        }

        @Override
        public boolean validateObject(SmtpRoute route, PooledObject<SmtpConnection> pooled) {
            return usable(pooled.getObject());
        }

        @Override
        public void destroyObject(SmtpRoute route, PooledObject<SmtpConnection> pooled) {
            try {
                pooled.getObject().transport().close(); // QUIT
            } catch (Exception e) {
                LOGGER.debug("QUIT to {} failed", route, e);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private final class Counters {
        final AtomicLong opened = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        private volatile Instant lastUsed = clock.instant();

        void touch(Instant now) {
            lastUsed = now;
        }

        Instant lastUsed() {
            return lastUsed;
        }
    }

    /** What WebAdmin shows of one route. */
    public static final class PoolStatus {
        private final String destination;
        private final String kind;
        private final String account;
        private final int open;
        private final int idle;
        private final long connectionsOpened;
        private final long messagesSent;

        PoolStatus(String destination, String kind, String account, int open, int idle, long connectionsOpened, long messagesSent) {
            this.destination = destination;
            this.kind = kind;
            this.account = account;
            this.open = open;
            this.idle = idle;
            this.connectionsOpened = connectionsOpened;
            this.messagesSent = messagesSent;
        }

        public String destination() {
            return destination;
        }

        public String kind() {
            return kind;
        }

        public String account() {
            return account;
        }

        public int open() {
            return open;
        }

        public int idle() {
            return idle;
        }

        public long connectionsOpened() {
            return connectionsOpened;
        }

        public long messagesSent() {
            return messagesSent;
        }
    }
}
