"""Python's side of the proof differential: reads the cases as JSON from argv[1] and writes,
for each, hex(HMAC-SHA256(secret, token + "|" + time)) and hex(HMAC-SHA256(secret, token)),
computed with the standard library's hmac, to argv[2]."""
import hashlib
import hmac
import json
import sys


def main(cases_path, out_path):
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    out = []
    for token, secret, time in cases:
        key = secret.encode("utf-8")
        timed = hmac.new(key, f"{token}|{time}".encode("utf-8"), hashlib.sha256).hexdigest()
        legacy = hmac.new(key, token.encode("utf-8"), hashlib.sha256).hexdigest()
        out.append([timed, legacy])
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
