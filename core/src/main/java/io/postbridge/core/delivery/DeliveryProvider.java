package io.postbridge.core.delivery;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How an account's mail leaves. {@link #GMAIL} and {@link #GRAPH} are delivered by {@code ApiDelivery}. */
public enum DeliveryProvider {
    GMAIL, GRAPH, SMTP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeliveryProvider> fromWireName(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(name.trim().toLowerCase(Locale.ROOT))).findFirst();
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(DeliveryProvider::wireName).collect(Collectors.joining(", "));
    }
}
