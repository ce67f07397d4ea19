#!/usr/bin/env python3
"""A scripted SMTP server on loopback for make-exim-corpus.sh: it answers each RCPT and DATA as the
local part says, so a real Exim bounces with real text. Prints the port it listens on, then serves
until killed. Local parts: nobody (550 5.1.1), full (552 5.2.2), blocked (554 5.7.1 at RCPT),
spam (550 5.7.1 spam at DATA), big (552 5.3.4 at DATA), ratelimit (550 5.1.1 misused for a rate
limit), later (451 4.3.0, until Exim gives up), ok (250)."""
import socket
import socketserver
import sys

RCPT = {
    "nobody": "550 5.1.1 <{a}>: Recipient address rejected: User unknown in virtual mailbox table",
    "full": "552 5.2.2 <{a}>: Mailbox full, quota exceeded",
    "blocked": "554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.example",
    "ratelimit": "550 5.1.1 Too many connections from your host, rate limit exceeded",
    "later": "451 4.3.0 <{a}>: Temporary lookup failure, try again",
}
DATA = {
    "spam": "550 5.7.1 Message rejected as spam by Content Filtering",
    "big": "552 5.3.4 Message size exceeds fixed maximum message size",
}


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        self.reply("220 sink.example ESMTP")
        rcpts = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("latin-1").strip()
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink.example")
            elif verb == "MAIL":
                rcpts = []
                self.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                addr = line[line.find("<") + 1:line.rfind(">")]
                local = addr.split("@")[0].lower()
                if local in RCPT:
                    self.reply(RCPT[local].format(a=addr))
                else:
                    rcpts.append(local)
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                while self.rfile.readline().rstrip(b"\r\n") != b".":
                    pass
                failing = [DATA[r] for r in rcpts if r in DATA]
                self.reply(failing[0] if failing else "250 2.0.0 Ok: queued")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("250 Ok")


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    with Server(("127.0.0.1", 0), Handler) as server:
        print(server.server_address[1], flush=True)
        server.serve_forever()
