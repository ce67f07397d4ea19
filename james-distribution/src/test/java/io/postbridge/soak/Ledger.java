package io.postbridge.soak;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The soak test's one accounting book. The harness writes down every message it got a success reply for (SMTP 250
 * to the final dot, HTTP 200 from the send API), each tagged with a unique {@code X-Soak-Id} header, and every
 * {@code kill -9}; the fakes' records give every copy that reached a provider, an upstream or an MX, and every DSN
 * that reached a sender. {@link #verdict} then classifies each accepted message:
 * <ul>
 * <li>delivered once, or DSN'd once: the promise;</li>
 * <li>delivered (or DSN'd) more than once, explained: every extra copy is matched by a copy whose answer the server
 * could not read (the fake says why: a timeout, a body that never ended, a socket dropped after DATA), or the message
 * was in flight at a {@code kill -9} (accepted before it, its last copy after it: a queue redelivers what it had not
 * acknowledged, and a mail between two queues may be redelivered from both);</li>
 * <li>duplicates without such an explanation, and messages both delivered and DSN'd: failures;</li>
 * <li>lost: neither delivered nor DSN'd by the end of the drain. Must be 0.</li>
 * </ul>
 */
final class Ledger {
    static final String HEADER = "X-Soak-Id";
    private static final Pattern ID = Pattern.compile("(?im)^" + HEADER + ":\\s*(\\S+)");

    /** One copy seen at a fake. */
    static final class Copy {
        final String where;
        final boolean dsn;
        final long atMillis;
        final String answerLost;

        Copy(String where, boolean dsn, long atMillis, String answerLost) {
            this.where = where;
            this.dsn = dsn;
            this.atMillis = atMillis;
            this.answerLost = answerLost;
        }
    }

    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    private final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();
    private final List<Long> crashes = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();

    void accepted(String id, String channel) {
        acceptedAt.put(id, System.currentTimeMillis());
        accepted.put(id, channel);
    }

    int acceptedCount() {
        return accepted.size();
    }

    Set<String> acceptedIds() {
        return accepted.keySet();
    }

    /** A submission that did not get a success reply (the harness sends the next message instead). */
    void refused(String reason) {
        refusals.merge(reason, 1, Integer::sum);
    }

    Map<String, Integer> refusals() {
        return new TreeMap<>(refusals);
    }

    /** A kill -9 at this moment (taken right before the signal: every copy seen before it was made before it). */
    void crash(long atMillis) {
        crashes.add(atMillis);
    }

    List<Long> crashes() {
        return List.copyOf(crashes);
    }

    /** The soak id in a message (or in the headers a DSN quotes), or null. */
    static String idIn(String content) {
        Matcher m = ID.matcher(content);
        return m.find() ? m.group(1) : null;
    }

    /** The classification of every accepted message, given the copies the fakes saw (id -> copies). */
    Verdict verdict(Map<String, List<Copy>> copies) {
        Verdict v = new Verdict();
        v.accepted = accepted.size();
        for (Map.Entry<String, String> entry : accepted.entrySet()) {
            String id = entry.getKey();
            List<Copy> all = new ArrayList<>(copies.getOrDefault(id, List.of()));
            all.sort(Comparator.comparingLong(c -> c.atMillis));
            List<Copy> deliveries = all.stream().filter(c -> !c.dsn).collect(Collectors.toList());
            List<Copy> dsns = all.stream().filter(c -> c.dsn).collect(Collectors.toList());
            v.perChannel.computeIfAbsent(entry.getValue(), k -> new int[4]);
            int[] channel = v.perChannel.get(entry.getValue());
            channel[0]++;
            if (deliveries.isEmpty() && dsns.isEmpty()) {
                v.lost.add(id + " (" + entry.getValue() + ")");
                channel[3]++;
                continue;
            }
            if (!deliveries.isEmpty() && !dsns.isEmpty()) {
                v.deliveredAndDsn.add(id + " (" + entry.getValue() + "): " + describe(all));
                continue;
            }
            List<Copy> outcome = deliveries.isEmpty() ? dsns : deliveries;
            if (deliveries.isEmpty()) {
                channel[2]++;
            } else {
                channel[1]++;
            }
            if (outcome.size() == 1) {
                if (deliveries.isEmpty()) {
                    v.dsnOnce++;
                } else {
                    v.deliveredOnce++;
                }
                continue;
            }
            String unexplained = null;
            List<String> reasons = new ArrayList<>();
            int extra = outcome.size() - 1;
            int byLostAnswer = 0;
            int byCrash = 0;
            for (Copy copy : outcome) {
                if (copy.answerLost != null && extra > 0) {
                    reasons.add(copy.answerLost);
                    byLostAnswer++;
                    extra--;
                }
            }
            if (extra > 0) {
                long last = outcome.get(outcome.size() - 1).atMillis;
                Long crash = crashBetween(acceptedAt.getOrDefault(id, 0L), last);
                if (crash != null) {
                    byCrash = extra;
                    long before = crash - outcome.get(0).atMillis;
                    reasons.add(extra + " more: in flight at the kill -9 " + (before >= 0
                        ? "(first copy " + before + " ms before it)" : "(every copy after the restart)"));
                } else {
                    unexplained = extra + " copies with an answer the server read and no kill -9 while the message was in flight";
                }
            }
            String line = id + " (" + entry.getValue() + "): " + outcome.size() + " copies; " + describe(outcome);
            if (unexplained == null) {
                v.extraCopiesLostAnswer += byLostAnswer;
                v.extraCopiesCrash += byCrash;
            }
            if (unexplained != null) {
                v.unexplainedDuplicates.add(line + " -- " + unexplained);
            } else if (deliveries.isEmpty()) {
                v.dsnMoreThanOnce.add(line + " -- " + String.join("; ", reasons));
            } else {
                v.deliveredMoreThanOnce.add(line + " -- " + String.join("; ", reasons));
            }
        }
        for (Map.Entry<String, List<Copy>> entry : copies.entrySet()) {
            if (!accepted.containsKey(entry.getKey())) {
                v.notAcceptedButArrived++;
            }
        }
        v.crashes = crashes.size();
        v.refusals = refusals();
        return v;
    }

    private Long crashBetween(long from, long to) {
        for (long crash : crashes) {
            if (crash >= from && crash <= to) {
                return crash;
            }
        }
        return null;
    }

    private static String describe(List<Copy> copies) {
        return copies.stream().map(c -> (c.dsn ? "DSN at " : "at ") + c.where + (c.answerLost == null ? "" : " [" + c.answerLost + "]"))
            .collect(Collectors.joining(", "));
    }

    /** The counts and the lists behind them. */
    static final class Verdict {
        int accepted;
        int deliveredOnce;
        int dsnOnce;
        int crashes;
        int notAcceptedButArrived;
        int extraCopiesLostAnswer;
        int extraCopiesCrash;
        Map<String, Integer> refusals = Map.of();
        final List<String> deliveredMoreThanOnce = new ArrayList<>();
        final List<String> dsnMoreThanOnce = new ArrayList<>();
        final List<String> unexplainedDuplicates = new ArrayList<>();
        final List<String> deliveredAndDsn = new ArrayList<>();
        final List<String> lost = new ArrayList<>();
        /** channel -> accepted, delivered, DSN'd, lost. */
        final Map<String, int[]> perChannel = new TreeMap<>();

        boolean promiseKept() {
            return lost.isEmpty() && unexplainedDuplicates.isEmpty() && deliveredAndDsn.isEmpty();
        }

        List<String> lines(int show) {
            List<String> out = new ArrayList<>();
            out.add("accepted (success reply to the harness): " + accepted);
            out.add("delivered once:                          " + deliveredOnce);
            out.add("delivered twice or more (explained):     " + deliveredMoreThanOnce.size());
            out.add("  extra copies explained by an answer the server could not read: " + extraCopiesLostAnswer
                + "; by a kill -9 while the message was in flight: " + extraCopiesCrash);
            out.add("DSN'd once:                              " + dsnOnce);
            out.add("DSN'd twice or more (explained):         " + dsnMoreThanOnce.size());
            out.add("lost (must be 0):                        " + lost.size());
            out.add("unexplained duplicates (must be 0):      " + unexplainedDuplicates.size());
            out.add("both delivered and DSN'd (must be 0):    " + deliveredAndDsn.size());
            out.add("arrived without a success reply (a crash or a dropped answer during submission; allowed): " + notAcceptedButArrived);
            out.add("kill -9: " + crashes);
            out.add("submissions without a success reply, by reason (not in the ledger): " + refusals);
            out.add("per channel (accepted / delivered / DSN'd / lost):");
            perChannel.forEach((channel, c) -> out.add(String.format("  %-20s %7d %7d %7d %5d", channel, c[0], c[1], c[2], c[3])));
            section(out, "delivered more than once, with the reason each copy but the last was unknowable", deliveredMoreThanOnce, show);
            section(out, "DSN'd more than once", dsnMoreThanOnce, show);
            section(out, "LOST", lost, show);
            section(out, "UNEXPLAINED DUPLICATES", unexplainedDuplicates, show);
            section(out, "BOTH DELIVERED AND DSN'D", deliveredAndDsn, show);
            return out;
        }

        private static void section(List<String> out, String title, List<String> items, int show) {
            if (items.isEmpty()) {
                return;
            }
            out.add(title + " (" + items.size() + (items.size() > show ? ", first " + show : "") + "):");
            items.stream().sorted().limit(show).forEach(item -> out.add("  " + item));
        }
    }

    static Map<String, List<Copy>> index(List<Map.Entry<String, Copy>> copies) {
        Map<String, List<Copy>> byId = new LinkedHashMap<>();
        for (Map.Entry<String, Copy> copy : copies) {
            byId.computeIfAbsent(copy.getKey(), k -> new ArrayList<>()).add(copy.getValue());
        }
        return byId;
    }
}
