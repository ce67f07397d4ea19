#!/bin/sh
# Measures the bounce parser against Sisimai 4 on the public sisimai/set-of-emails corpus (BSD-2), which is read
# in a temporary folder and never copied into this repository. Prints, per set, the agreement on recipient,
# hard/soft, reason and status (the figures in docs/bounces.md).
#
# Usage: sh tools/bounce/sisimai-report.sh            (clones set-of-emails into a temporary folder)
#        SET_OF_EMAILS=/path/to/set-of-emails sh tools/bounce/sisimai-report.sh
#        VERBOSE=1 ...                                (also lists every differing message)
# Needs: apt-get install -y libsisimai-perl; git (unless SET_OF_EMAILS is given); run from the repository root.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/sisimai-report.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if [ -z "${SET_OF_EMAILS:-}" ]; then
    git clone -q --depth 1 https://github.com/sisimai/set-of-emails "$WORK/set-of-emails"
    SET_OF_EMAILS=$WORK/set-of-emails
fi
cd "$ROOT"
mvn -B -ntp -q -pl core test-compile
mvn -B -ntp -q -pl core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp" >/dev/null
CP="$ROOT/core/target/classes:$ROOT/core/target/test-classes:$(cat "$WORK/cp")"
for set in bsd dos mac err; do
    dir=$SET_OF_EMAILS/maildir/$set
    [ -d "$dir" ] || continue
    # Sisimai 4 reads no CR-only file; its verdicts for mac/ are taken after converting to LF (Postbridge reads
    # the files as they are)
    if [ "$set" = mac ]; then
        SISIMAI_EOL_LF=1 sh "$ROOT/tools/bounce/sisimai-truth.sh" "$dir" "$WORK/$set.jsonl" 2>"$WORK/$set.err"
    else
        sh "$ROOT/tools/bounce/sisimai-truth.sh" "$dir" "$WORK/$set.jsonl" 2>"$WORK/$set.err"
    fi
    printf '%s: ' "maildir/$set"
    java -Dverbose="${VERBOSE:+true}" -cp "$CP" io.postbridge.core.bounce.SisimaiAgreement "$WORK/$set.jsonl" /
done
