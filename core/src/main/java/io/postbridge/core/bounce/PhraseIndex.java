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
 */
final class PhraseIndex {
    private static final class Node {
        final Node[] ascii = new Node[128];
        Map<Character, Node> other;
        Node fail;
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
        built = true;
    }

    /** A bit per {@link BounceReason#ordinal()} for each reason with a phrase in {@code lowerText}. */
    long reasonsIn(String lowerText) {
        if (!built) {
            throw new IllegalStateException("build() first");
        }
        long found = 0;
        BitSet candidates = (BitSet) always.clone();
        Node n = root;
        for (int i = 0; i < lowerText.length(); i++) {
            char c = lowerText.charAt(i);
            Node next = n.child(c);
            while (next == null && n != root) {
                n = n.fail;
                next = n.child(c);
            }
            n = next == null ? root : next;
            found |= n.reasons;
            for (int id : n.regexes) {
                candidates.set(id);
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
