package io.postbridge.core.dkim.keys;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.dkim.DkimSigningKey;

/** What a key source knows about a domain: nothing, keys to sign with, or keys it should have but cannot use. */
public final class KeyLookup {
    public enum Outcome { NOT_CONFIGURED, FOUND, UNAVAILABLE }

    private static final KeyLookup NOT_CONFIGURED = new KeyLookup(Outcome.NOT_CONFIGURED, List.of(), List.of());

    private final Outcome outcome;
    private final List<DkimSigningKey> keys;
    private final List<String> problems;

    private KeyLookup(Outcome outcome, List<DkimSigningKey> keys, List<String> problems) {
        this.outcome = outcome;
        this.keys = List.copyOf(keys);
        this.problems = List.copyOf(problems);
    }

    public static KeyLookup notConfigured() {
        return NOT_CONFIGURED;
    }

    /** Keys to sign with; {@code problems} lists keys of the same domain that could not be used (signing goes on). */
    public static KeyLookup found(List<DkimSigningKey> keys, List<String> problems) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("found() needs at least one key");
        }
        return new KeyLookup(Outcome.FOUND, keys, problems);
    }

    public static KeyLookup unavailable(List<String> problems) {
        return new KeyLookup(Outcome.UNAVAILABLE, List.of(), problems);
    }

    public Outcome outcome() {
        return outcome;
    }

    public List<DkimSigningKey> keys() {
        return keys;
    }

    public List<String> problems() {
        return problems;
    }

    public Optional<String> problemSummary() {
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    @Override
    public String toString() {
        return outcome + (keys.isEmpty() ? "" : " " + keys) + (problems.isEmpty() ? "" : " " + problems);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KeyLookup)) {
            return false;
        }
        KeyLookup other = (KeyLookup) o;
        return outcome == other.outcome && keys.equals(other.keys) && problems.equals(other.problems);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outcome, keys, problems);
    }
}
