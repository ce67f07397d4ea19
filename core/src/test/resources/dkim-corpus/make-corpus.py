#!/usr/bin/python3
"""Writes the DKIM test corpus: varied messages whose exact bytes matter (line endings, 8-bit, folding).
Run from this directory: /usr/bin/python3 make-corpus.py   (the .eml files are committed; this documents them)."""
import base64, os, shutil

H = lambda *lines: "\r\n".join(lines).encode()
def std(subject, extra=(), frm="Alice Example <alice@example.com>", to="Bob <bob@example.net>", mid=None):
    mid = mid or "<%s@example.com>" % subject.lower().replace(" ", "-")[:40]
    return [f"From: {frm}", f"To: {to}", f"Subject: {subject}", "Date: Wed, 15 Jan 2025 12:00:00 +0000",
            f"Message-ID: {mid}", "MIME-Version: 1.0", *extra]

def crlf(lines, body):
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body

files = {}
plain = [l for l in std("Plain ASCII", ["Content-Type: text/plain; charset=us-ascii"])]
files["01-plain-ascii-crlf.eml"] = crlf(plain, b"Hello Bob,\r\n\r\nA plain message.\r\n")
files["02-plain-ascii-lf-only.eml"] = crlf(plain, b"x").replace(b"\r\n", b"\n")[:-1] + b"Hello Bob,\n\nLF only line endings.\n"
files["03-cr-only-line-endings.eml"] = (("\r".join(std("Old Mac CR only", ["Content-Type: text/plain"])) + "\r\r").encode()
                                        + b"Line one\rLine two\r\rLast line\r")
files["04-mixed-line-endings.eml"] = (b"From: Alice <alice@example.com>\r\nTo: bob@example.net\nSubject: Mixed line endings\r"
    b"Date: Wed, 15 Jan 2025 12:00:00 +0000\r\nMessage-ID: <mixed@example.com>\n\r\n"
    b"crlf line\r\nlf line\ncr line\rcr cr lf\r\r\nend\r\n")
files["05-no-final-newline.eml"] = crlf(std("No final newline", ["Content-Type: text/plain"]), b"Body without a final line break")
files["06-empty-body.eml"] = crlf(std("Empty body", ["Content-Type: text/plain"]), b"")
files["07-body-only-blank-lines.eml"] = crlf(std("Only blank lines"), b"\r\n\r\n\r\n")
files["08-trailing-blank-lines.eml"] = crlf(std("Trailing blank lines"), b"Text\r\n\r\n\r\n\r\n")
files["09-whitespace-runs-trailing-spaces.eml"] = crlf(
    std("Whitespace   runs\t\tin  subject  ", ["X-Tabs:\t\tvalue\twith\ttabs \t "]),
    b"  leading spaces\r\ndouble  spaces   and\ttabs\t\r\ntrailing spaces   \r\n\t\r\n   \r\nlast\r\n")
files["10-utf8-raw-headers.eml"] = crlf(std("Grüße aus Köln – 日本語の件名 ✓", ["Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit"], frm="Jürgen Müller <juergen@example.com>", to="Zoë <zoe@example.net>"),
    "Grüße, Zoë! Ça va? 日本語\r\n".encode("utf-8"))
files["11-latin1-8bit-body.eml"] = crlf(std("Latin-1 body", ["Content-Type: text/plain; charset=iso-8859-1",
    "Content-Transfer-Encoding: 8bit"]), "Déjà vu, naïve café, Øresund, ß\r\n".encode("latin-1"))
files["12-utf8-8bit-body.eml"] = crlf(std("UTF-8 body", ["Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit"]), "Привет мир\r\nΓειά σου κόσμε\r\n🙂 emoji line\r\n".encode("utf-8"))
files["13-encoded-words.eml"] = crlf(std("=?UTF-8?B?" + base64.b64encode("Grüße ✓".encode()).decode() + "?= und =?ISO-8859-1?Q?Caf=E9?=",
    ["Content-Type: text/plain; charset=us-ascii"], frm="=?UTF-8?Q?J=C3=BCrgen?= <juergen@example.com>"), b"Encoded words.\r\n")
many = ",\r\n ".join(f"Recipient Number {i} <rcpt{i}@example.net>" for i in range(1, 25))
files["14-folded-long-to.eml"] = crlf(std("Long folded To", ["Content-Type: text/plain"], to=many), b"Many recipients.\r\n")
refs = "\r\n\t".join(f"<ref-{i}-{'x' * 20}@example.org>" for i in range(15))
files["15-long-references-tabs.eml"] = crlf(std("Re: long thread", [f"In-Reply-To: <ref-14-{'x'*20}@example.org>", f"References: {refs}"]),
    b"Threaded reply.\r\n")
# (obsolete "Name :" fields, WSP before the colon, are covered by CanonicalizationTest: dkimpy cannot parse them)
files["16-no-space-after-colon.eml"] = (b"From: Alice <alice@example.com>\r\nTo:bob@example.net\r\nSubject:  two spaces after colon  \r\n"
    b"Date: Wed, 15 Jan 2025 12:00:00 +0000\r\nMessage-ID:<colon@example.com>\r\n\r\nBody\r\n")
files["17-odd-header-case.eml"] = (b"FROM: Alice <alice@example.com>\r\nto: bob@example.net\r\nsUbJeCt: Odd case\r\n"
    b"DATE: Wed, 15 Jan 2025 12:00:00 +0000\r\nmessage-id: <case@example.com>\r\nmime-VERSION: 1.0\r\n\r\nBody\r\n")
files["18-received-and-x-headers.eml"] = crlf(["Received: from a.example.org (a.example.org [192.0.2.1])\r\n\tby mx.example.com; Wed, 15 Jan 2025 11:59:00 +0000",
    "Received: from b by a; Wed, 15 Jan 2025 11:58:00 +0000", "Return-Path: <alice@example.com>",
    *std("Received headers", ["X-Mailer: Test 1.0", "X-Priority: 3"])], b"Body\r\n")
alt = (b"--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain part\r\n"
       b"--ALT\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML <b>part</b></p>\r\n--ALT--\r\n")
files["19-multipart-alternative.eml"] = crlf(std("Alternative", ['Content-Type: multipart/alternative; boundary="ALT"']), alt)
attachment = base64.encodebytes(bytes(range(256)) * 8).replace(b"\n", b"\r\n")
mixed = (b"This is a multi-part message in MIME format.\r\n--MIX\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n"
         b"--MIX\r\nContent-Type: application/pdf; name=\"doc.pdf\"\r\nContent-Transfer-Encoding: base64\r\n"
         b"Content-Disposition: attachment; filename=\"doc.pdf\"\r\n\r\n" + attachment + b"--MIX--\r\nepilogue text\r\n")
files["20-multipart-mixed-base64.eml"] = crlf(std("Attachment", ['Content-Type: multipart/mixed; boundary="MIX"']), mixed)
png = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + bytes(100)).replace(b"\n", b"\r\n")
nested = (b"--OUT\r\nContent-Type: multipart/alternative; boundary=\"IN\"\r\n\r\n"
          b"--IN\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe\r\n"
          b"--IN\r\nContent-Type: multipart/related; boundary=\"REL\"\r\n\r\n--REL\r\nContent-Type: text/html\r\n\r\n<img src=\"cid:logo\">\r\n"
          b"--REL\r\nContent-Type: image/png\r\nContent-ID: <logo>\r\nContent-Transfer-Encoding: base64\r\n\r\n" + png +
          b"--REL--\r\n--IN--\r\n--OUT\r\nContent-Type: text/plain; name=notes.txt\r\n\r\nnotes\r\n--OUT--\r\n")
files["21-nested-multipart.eml"] = crlf(std("Nested", ['Content-Type: multipart/mixed; boundary="OUT"']), nested)
inner = crlf(std("Inner message", ["Content-Type: text/plain"], frm="Carol <carol@example.org>"), b"Inner body\r\n")
files["22-message-rfc822-attachment.eml"] = crlf(std("Fwd: Inner message", ['Content-Type: multipart/mixed; boundary="FWD"']),
    b"--FWD\r\nContent-Type: text/plain\r\n\r\nForwarded below.\r\n--FWD\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--FWD--\r\n")
dsn = (b"--REP\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n--REP\r\nContent-Type: message/delivery-status\r\n\r\n"
       b"Reporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; nobody@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"
       b"Diagnostic-Code: smtp; 550 5.1.1 no such user\r\n\r\n--REP\r\nContent-Type: text/rfc822-headers\r\n\r\n"
       b"From: alice@example.com\r\nTo: nobody@example.net\r\nSubject: lost\r\n\r\n--REP--\r\n")
files["23-dsn-multipart-report.eml"] = crlf(std("Undelivered Mail Returned to Sender",
    ['Content-Type: multipart/report; report-type=delivery-status; boundary="REP"', "Auto-Submitted: auto-replied"],
    frm="Mail Delivery System <postmaster@example.com>", to="alice@example.com"), dsn)
qp = ("A long quoted-printable line " * 8).strip()
files["24-quoted-printable.eml"] = crlf(std("QP", ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"]),
    (qp[:70] + "=\r\n" + qp[70:140] + "=\r\n" + qp[140:] + "\r\nCaf=C3=A9 =3D equals\r\ntrailing soft break=\r\n").encode())
files["25-dot-lines.eml"] = crlf(std("Dots"), b".leading dot\r\n.\r\n..two dots\r\n. space\r\nend\r\n")
shared = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../../../shared/tools/dkim-verify/fixtures/signed-rsa-relaxed.eml")
files["26-already-signed-by-other.eml"] = open(shared, "rb").read()
files["27-list-headers-reply-to-cc.eml"] = crlf(std("List mail", ["Reply-To: List <list@lists.example.com>", "Cc: carol@example.org, dave@example.org",
    "List-Id: Example List <list.lists.example.com>", "List-Unsubscribe: <mailto:unsub@lists.example.com>, <https://lists.example.com/u/abc>",
    "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Precedence: list", "Content-Type: text/plain"]), b"List body\r\n")
files["28-no-date-no-message-id.eml"] = b"From: Alice <alice@example.com>\r\nTo: bob@example.net\r\nSubject: Minimal\r\n\r\nMinimal.\r\n"
files["29-empty-header-values.eml"] = crlf(std("Empty values", ["X-Empty:", "X-Spaces:    ", "Cc:"]), b"Body\r\n")
files["30-very-long-unfoldable-header.eml"] = crlf(std("Long token", ["X-Token: " + "A" * 900, "Content-Type: text/plain"]), b"Body\r\n")
files["31-html-only-utf8-8bit.eml"] = crlf(std("HTML only", ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: 8bit"]),
    "<html><body><p>Schöne Grüße – “quotes”</p></body></html>\r\n".encode())
cal = (b"--CAL\r\nContent-Type: text/plain\r\n\r\nInvitation\r\n--CAL\r\nContent-Type: text/calendar; method=REQUEST; charset=utf-8\r\n\r\n"
       b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:1@example.com\r\nDTSTART:20250120T100000Z\r\n"
       b"SUMMARY:Meeting\r\n with folded line\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n--CAL--\r\n")
files["32-calendar-invite.eml"] = crlf(std("Invitation", ['Content-Type: multipart/alternative; boundary="CAL"']), cal)
files["33-control-characters.eml"] = crlf(std("Control chars", ["Content-Type: text/plain"]), b"vertical\x0btab and form\x0cfeed\r\nbell\x07 esc\x1b[0m\r\n")
files["34-whitespace-only-last-lines.eml"] = crlf(std("Whitespace tail"), b"Text\r\n   \r\n\t\r\n \t \r\n")
files["35-folded-utf8-subject.eml"] = crlf(std("Ein sehr langer Betreff mit Umlauten äöü und noch mehr Text,\r\n\tder gefaltet wird – weiter",
    ["Content-Type: text/plain; charset=utf-8"]), "Body äöü\r\n".encode())
files["36-whitespace-only-continuation.eml"] = crlf(std("Odd folding", ["X-Folded: first\r\n \r\n\tthird"]), b"Body\r\n")
files["37-long-body-line.eml"] = crlf(std("Long line"), b"x" * 990 + b"\r\n" + b"y " * 400 + b"\r\n")
files["38-bcc-present.eml"] = crlf(std("Bcc", ["Bcc: hidden@example.org"]), b"Body\r\n")
files["39-two-to-headers.eml"] = crlf(std("Two To", ["To: second@example.net"]), b"Body\r\n")
files["40-sender-and-resent.eml"] = crlf(std("Resent", ["Sender: Secretary <sec@example.com>", "Resent-From: Carol <carol@example.com>",
    "Resent-To: eve@example.net", "Resent-Date: Wed, 15 Jan 2025 13:00:00 +0000", "Resent-Message-ID: <resent@example.com>"]), b"Body\r\n")

for name, data in files.items():
    with open(name, "wb") as f:
        f.write(data)
print(len(files), "messages written")
