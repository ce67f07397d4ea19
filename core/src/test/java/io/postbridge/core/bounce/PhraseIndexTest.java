package io.postbridge.core.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The phrase search: the table automaton finds what a plain search finds, and a phrase regex multiplied out into
 * its alternatives matches the texts the regex matches.
 */
class PhraseIndexTest {

    @Test
    void theTableFindsEveryPhraseAPlainSearchFinds() {
        List<String> phrases = List.of("user unknown", "unknown", "no such user", "such", "mailbox full", "über voll",
            "quota exceeded", "ota", "a");
        List<BounceReason> reasons = List.of(BounceReason.USERUNKNOWN, BounceReason.HOSTUNKNOWN, BounceReason.USERUNKNOWN,
            BounceReason.FILTERED, BounceReason.MAILBOXFULL, BounceReason.MAILBOXFULL, BounceReason.MAILBOXFULL,
            BounceReason.BLOCKED, BounceReason.REJECTED);
        PhraseIndex index = new PhraseIndex();
        for (int i = 0; i < phrases.size(); i++) {
            index.addSubstring(reasons.get(i), phrases.get(i));
        }
        index.build();
        // random texts over the phrases' own characters (ASCII and not), so that partial matches and failure
        // transitions occur everywhere
        String alphabet = "usernkowhqtaxcdmilbf vüé.";
        Random random = new Random(13);
        for (int round = 0; round < 5_000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
                text.append(random.nextInt(8) == 0
                    ? phrases.get(random.nextInt(phrases.size())) : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
            }
            long expected = 0;
            for (int i = 0; i < phrases.size(); i++) {
                if (text.indexOf(phrases.get(i)) >= 0) {
                    expected |= 1L << reasons.get(i).ordinal();
                }
            }
            assertThat(index.reasonsIn(text.toString())).as(text.toString()).isEqualTo(expected);
        }
    }

    @Test
    void aRegexIsFoundOnlyWhereItMatches() {
        PhraseIndex index = new PhraseIndex();
        index.addRegex(BounceReason.USERUNKNOWN, "user ", Pattern.compile("user [^ ]+ does not exist"));
        index.build();
        assertThat(index.reasonsIn("the user bob does not exist here")).isEqualTo(1L << BounceReason.USERUNKNOWN.ordinal());
        assertThat(index.reasonsIn("the user does not exist")).isZero();
    }

    @Test
    void groupsAreMultipliedOutIntoPhrasesAndNarrowerRegexes() {
        assertThat(ReasonClassifier.expandGroups("the[ ](?:email[ ]account|user[']s[ ]name)[ ]is[ ]gone"))
            .containsExactly("the[ ]email[ ]account[ ]is[ ]gone", "the[ ]user[']s[ ]name[ ]is[ ]gone");
        assertThat(ReasonClassifier.expandGroups("such[ ](?:mailbox|user(?:[ ]here)?)"))
            .containsExactly("such[ ]mailbox", "such[ ]user[ ]here", "such[ ]user");
        assertThat(ReasonClassifier.expandGroups("rejected(?::[ ]score|[ ]by[ ][^ ]+)"))
            .containsExactly("rejected:[ ]score", "rejected[ ]by[ ][^ ]+");
        // under a quantifier, a look-around, a back-reference: left as they are
        assertThat(ReasonClassifier.expandGroups("x(?:ab|c)+y")).containsExactly("x(?:ab|c)+y");
        assertThat(ReasonClassifier.expandGroups("(?<!not )spam")).containsExactly("(?<!not )spam");
        assertThat(ReasonClassifier.expandGroups("(a|b) \\1")).containsExactly("(a|b) \\1");
        assertThat(ReasonClassifier.plainLiteral("the[ ]user[']s[ ]name\\.")).isEqualTo("the user's name.");
        assertThat(ReasonClassifier.plainLiteral("user[ ][^ ]+")).isNull();
        assertThat(ReasonClassifier.plainLiteral("\\Auser")).isNull();
        assertThat(ReasonClassifier.plainLiteral("users?")).isNull();
    }

    @Test
    void theMultipliedOutAlternativesMatchWhatTheRegexMatches() {
        String regex = "no[ ](?:account[ ]by[ ]that[ ]name[ ]here|such[ ](?:address[ ]here|user(?:[ ]here)?)|mailbox[ ][^ ]+[ ]found)";
        List<String> texts = List.of("550 no such user here", "no such user", "no such address here", "no such address",
            "there is no account by that name here", "no mailbox bob found", "no mailbox found", "no  such user", "nosuch user");
        List<Pattern> expanded = ReasonClassifier.expandGroups(regex).stream().map(Pattern::compile).collect(java.util.stream.Collectors.toList());
        for (String text : texts) {
            assertThat(expanded.stream().anyMatch(p -> p.matcher(text).find())).as(text)
                .isEqualTo(Pattern.compile(regex).matcher(text).find());
        }
    }
}
