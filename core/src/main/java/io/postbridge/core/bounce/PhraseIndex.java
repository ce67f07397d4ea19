package io.postbridge.core.bounce;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * All reason phrases in one Aho-Corasick automaton: one pass over a text finds every reason whose substrings occur,
 * and which phrase regexes can match (their required literal occurs); only those regexes then run. Checking the
 * ~700 phrases one by one made the phrase search most of the parser's time.
 *
 * <p>Once built, the automaton is a table: for ASCII characters every state has its next state for each character
 * some phrase uses (any other character leads back to the start), so a text costs one table look-up per character
 * instead of following failure links. Other characters follow the links.
 */
final class PhraseIndex {
    private static final class Node {
        final Node[] ascii = new Node[128];
        Map<Character, Node> other;
        Node fail;
        /** The state's number in the table (breadth-first order), set by {@link #table()}. */
        int id = -1;
        long reasons;
        int[] regexes = new int[0];

        Node child(char c) {
            if (c < 128) {
                return ascii[c];
            }
            return other == null ? null : other.get(c);
        }

        Node addChild(char c) {
            Node existing = child(c);
            if (existing != null) {
                return existing;
            }
            Node n = new Node();
            if (c < 128) {
                ascii[c] = n;
            } else {
                if (other == null) {
                    other = new HashMap<>();
                }
                other.put(c, n);
            }
            return n;
        }

        List<Map.Entry<Character, Node>> children() {
            List<Map.Entry<Character, Node>> out = new ArrayList<>();
            for (int i = 0; i < 128; i++) {
                if (ascii[i] != null) {
                    out.add(Map.entry((char) i, ascii[i]));
                }
            }
            if (other != null) {
                out.addAll(other.entrySet());
            }
            return out;
        }
    }

    private final Node root = new Node();
    private final List<Pattern> regexes = new ArrayList<>();
    private final List<BounceReason> regexReasons = new ArrayList<>();
    /** Regexes without a usable literal run on every text. */
    private final BitSet always = new BitSet();
    private boolean built;
    /** ASCII character to its column in {@link #next} (0: no phrase has it). */
    private final byte[] column = new byte[128];
    private int width;
    /** next[state * width + column]: the state after a character. */
    private int[] next;
    private long[] reasonsAt;
    private int[][] regexesAt;
    private Node[] nodes;

    void addSubstring(BounceReason reason, String phrase) {
        if (phrase.isEmpty()) {
            return;
        }
        Node n = root;
        for (int i = 0; i < phrase.length(); i++) {
            n = n.addChild(phrase.charAt(i));
        }
        n.reasons |= 1L << reason.ordinal();
    }

    void addRegex(BounceReason reason, String literal, Pattern pattern) {
        int id = regexes.size();
        regexes.add(pattern);
        regexReasons.add(reason);
        if (literal.length() < 2) {
            always.set(id);
            return;
        }
        Node n = root;
        for (int i = 0; i < literal.length(); i++) {
            n = n.addChild(literal.charAt(i));
        }
        n.regexes = append(n.regexes, id);
    }

    void build() {
        Deque<Node> queue = new ArrayDeque<>();
        root.fail = root;
        for (Map.Entry<Character, Node> e : root.children()) {
            e.getValue().fail = root;
            queue.add(e.getValue());
        }
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            for (Map.Entry<Character, Node> e : n.children()) {
                Node child = e.getValue();
                Node f = n.fail;
                while (f != root && f.child(e.getKey()) == null) {
                    f = f.fail;
                }
                Node target = f.child(e.getKey());
                child.fail = target != null && target != child ? target : root;
                child.reasons |= child.fail.reasons;
                for (int id : child.fail.regexes) {
                    child.regexes = append(child.regexes, id);
                }
                queue.add(child);
            }
        }
        table();
        built = true;
    }

    /** Numbers the states in breadth-first order and fills {@link #next}: a failure state's row comes before its own. */
    private void table() {
        List<Node> order = new ArrayList<>();
        Deque<Node> queue = new ArrayDeque<>(List.of(root));
        root.id = 0;
        int count = 1;
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            order.add(n);
            for (Map.Entry<Character, Node> e : n.children()) {
                if (e.getValue().id < 0) {
                    e.getValue().id = count++;
                    queue.add(e.getValue());
                }
                if (e.getKey() < 128 && column[e.getKey()] == 0) {
                    column[e.getKey()] = (byte) ++width;
                }
            }
        }
        width++;
        nodes = order.toArray(new Node[0]);
        next = new int[nodes.length * width];
        reasonsAt = new long[nodes.length];
        regexesAt = new int[nodes.length][];
        for (int id = 0; id < nodes.length; id++) {
            Node n = nodes[id];
            reasonsAt[id] = n.reasons;
            regexesAt[id] = n.regexes.length == 0 ? null : n.regexes;
            for (char c = 0; c < 128; c++) {
                int col = column[c];
                if (col == 0) {
                    continue;
                }
                Node child = n.ascii[c];
                next[id * width + col] = child != null ? child.id : id == 0 ? 0 : next[n.fail.id * width + col];
            }
        }
    }

    /** The state after a character outside ASCII, by the failure links. */
    private int step(int state, char c) {
        Node n = nodes[state];
        Node after = n.child(c);
        while (after == null && n != root) {
            n = n.fail;
            after = n.child(c);
        }
        return after == null ? 0 : after.id;
    }

    /** A bit per {@link BounceReason#ordinal()} for each reason with a phrase in {@code lowerText}. */
    long reasonsIn(String lowerText) {
        if (!built) {
            throw new IllegalStateException("build() first");
        }
        long found = 0;
        BitSet candidates = (BitSet) always.clone();
        int state = 0;
        for (int i = 0; i < lowerText.length(); i++) {
            char c = lowerText.charAt(i);
            state = c < 128 ? next[state * width + column[c]] : step(state, c);
            found |= reasonsAt[state];
            int[] regexesHere = regexesAt[state];
            if (regexesHere != null) {
                for (int id : regexesHere) {
                    candidates.set(id);
                }
            }
        }
        for (int id = candidates.nextSetBit(0); id >= 0; id = candidates.nextSetBit(id + 1)) {
            long bit = 1L << regexReasons.get(id).ordinal();
            if ((found & bit) == 0 && regexes.get(id).matcher(lowerText).find()) {
                found |= bit;
            }
        }
        return found;
    }

    private static int[] append(int[] array, int value) {
        for (int v : array) {
            if (v == value) {
                return array;
            }
        }
        int[] out = Arrays.copyOf(array, array.length + 1);
        out[array.length] = value;
        return out;
    }
}
