#!/bin/sh
# Makes the labelled corpus core/src/test/resources/bounce-corpus/exim/ with a real Exim (Debian
# exim4-daemon-light): Exim relays test messages to sink_mx.py on loopback, the sink refuses them as
# each local part says, and Exim's own bounces are delivered to files and copied into the corpus.
# Nothing leaves the machine. Run as root (exim -C needs it):  sh tools/bounce/make-exim-corpus.sh
# Then label: review the printed expected.tsv lines (CorpusDump) before committing them.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../../core/src/test/resources/bounce-corpus/exim}
WORK=$(mktemp -d /tmp/exim-corpus.XXXXXX)
mkdir -p "$WORK/spool" "$WORK/log" "$WORK/out" "$OUT"
chmod 755 "$WORK"; chown Debian-exim "$WORK/spool" "$WORK/log" "$WORK/out"
python3 "$HERE/sink_mx.py" > "$WORK/port" &
SINK=$!
trap 'kill $SINK 2>/dev/null; rm -rf "$WORK"' EXIT
while [ ! -s "$WORK/port" ]; do sleep 0.1; done
PORT=$(cat "$WORK/port")
cat > "$WORK/exim.conf" <<CONF
primary_hostname = exim.postbridge.test
domainlist local_domains = postbridge.test
qualify_domain = postbridge.test
spool_directory = $WORK/spool
log_file_path = $WORK/log/%slog
exim_user = Debian-exim
never_users =
trusted_users = root
keep_environment =
begin routers
mine:
  driver = accept
  domains = +local_domains
  transport = to_file
sink:
  driver = manualroute
  domains = ! +local_domains
  route_list = * 127.0.0.1 byname
  self = send
  transport = remote_smtp
begin transports
remote_smtp:
  driver = smtp
  port = $PORT
  allow_localhost
  hosts_avoid_tls = *
to_file:
  driver = appendfile
  directory = $WORK/out
  user = Debian-exim
  return_path_add
  envelope_to_add
begin retry
* * F,1s,1s
CONF
send() {    # send NAME RCPT...: one message from alice@postbridge.test
    name=$1; shift
    { printf 'From: Alice <alice@postbridge.test>\nTo: %s\nSubject: corpus %s\nMessage-ID: <%s@postbridge.test>\n\nHello.\n' \
        "$(echo "$@" | sed 's/ /, /g')" "$name" "$name"; } | exim4 -C "$WORK/exim.conf" -odi -f alice@postbridge.test "$@"
    for i in $(seq 50); do [ -n "$(ls "$WORK/out")" ] && break; sleep 0.1; done
    f=$(ls "$WORK/out" | head -1)
    [ -n "$f" ] || { echo "no bounce for $name" >&2; return 1; }
    mv "$WORK/out/$f" "$OUT/exim-$name.eml"
}
send userunknown nobody@sink.example
send mailboxfull full@sink.example
send blocked-at-rcpt blocked@sink.example
send spam-at-data spam@sink.example
send toobig-at-data big@sink.example
send ratelimit-as-511 ratelimit@sink.example
send two-recipients nobody@sink.example full@sink.example ok@sink.example
# a 4xx: Exim defers, and with the 1-second retry rule gives up at the next queue run
printf 'From: alice@postbridge.test\nTo: later@sink.example\nSubject: corpus deferred\nMessage-ID: <deferred@postbridge.test>\n\nHello.\n' \
    | exim4 -C "$WORK/exim.conf" -odi -f alice@postbridge.test later@sink.example
sleep 2
exim4 -C "$WORK/exim.conf" -qff
for i in $(seq 50); do [ -n "$(ls "$WORK/out")" ] && break; sleep 0.1; done
mv "$WORK/out/$(ls "$WORK/out" | head -1)" "$OUT/exim-deferred-then-given-up.eml"
exim4 --version | head -1 > "$OUT/README.generator"
echo "made $(ls "$OUT"/*.eml | wc -l) bounces in $OUT with $(cat "$OUT/README.generator")"
