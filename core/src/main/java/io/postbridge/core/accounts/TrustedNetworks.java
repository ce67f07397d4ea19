package io.postbridge.core.accounts;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the account a client address belongs to: the most specific matching range wins. The table is read
 * at most every few seconds, because every unauthenticated MAIL command (also from the Internet) asks.
 */
public final class TrustedNetworks {
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);

    private final TrustedNetworkRepository networks;
    private final Clock clock;
    private final Duration refresh;
    private volatile Snapshot snapshot;

    public TrustedNetworks(TrustedNetworkRepository networks) {
        this(networks, Clock.systemUTC(), DEFAULT_REFRESH);
    }

    public TrustedNetworks(TrustedNetworkRepository networks, Clock clock, Duration refresh) {
        this.networks = Objects.requireNonNull(networks);
        this.clock = Objects.requireNonNull(clock);
        this.refresh = Objects.requireNonNull(refresh);
    }

    public Optional<Long> accountFor(InetAddress client) {
        return current().stream()
            .filter(network -> network.range().contains(client))
            .max(Comparator.comparingInt(network -> network.range().prefixLength()))
            .map(TrustedNetwork::accountId);
    }

    /** Makes the next lookup read the table (after a change through WebAdmin on this node). */
    public void invalidate() {
        snapshot = null;
    }

    private List<TrustedNetwork> current() {
        Instant now = clock.instant();
        Snapshot current = snapshot;
        if (current == null || !now.isBefore(current.readAt.plus(refresh))) {
            current = new Snapshot(networks.list(), now);
            snapshot = current;
        }
        return current.networks;
    }

    private static final class Snapshot {
        private final List<TrustedNetwork> networks;
        private final Instant readAt;

        private Snapshot(List<TrustedNetwork> networks, Instant readAt) {
            this.networks = networks;
            this.readAt = readAt;
        }
    }
}
