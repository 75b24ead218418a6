"""Parses a stored e-mail with Python's email package and prints what a mail client shows.

Usage: parse_mail.py FILE

Prints one JSON object: the decoded To, From, Subject, Message-ID, the top content type, the
plain text body and the HTML body (null when absent), and whether the header section is
ASCII only.
"""

import email
import email.policy
import json
import sys

raw = open(sys.argv[1], "rb").read()
message = email.message_from_bytes(raw, policy=email.policy.default)
header_section = raw.split(b"\r\n\r\n", 1)[0]
plain = message.get_body(preferencelist=("plain",))
html = message.get_body(preferencelist=("html",))
print(json.dumps({
    "to": str(message["To"]),
    "from": str(message["From"]),
    "subject": str(message["Subject"]),
    "message_id": str(message["Message-ID"]),
    "date": str(message["Date"]),
    "content_type": message.get_content_type(),
    "text": plain.get_content() if plain is not None else None,
    "text_charset": plain.get_content_charset() if plain is not None else None,
    "html": html.get_content() if html is not None else None,
    "headers_ascii": all(byte < 128 for byte in header_section),
    "defects": [type(defect).__name__ for defect in message.defects],
}, ensure_ascii=False))
