"""Python (stdlib json) peer of the benchmark: the core question over an export JSON Lines file.

Usage: python3 core_question.py FILE   (prints time, resource, operation, who, ip as TSV)
"""
import json
import re
import sys

CORE_OPS = {
    "microsoft.compute/virtualmachines/write",
    "microsoft.compute/virtualmachinescalesets/write",
    "microsoft.compute/virtualmachines/extensions/write",
    "microsoft.compute/virtualmachinescalesets/extensions/write",
    "microsoft.batch/batchaccounts/pools/write",
    "microsoft.containerinstance/containergroups/write",
}
CORE_RE = re.compile(
    r"standard_?n[cdgv]|xmrig|stratum\+|nicehash|ethminer|lolminer|nbminer|t-rex|phoenixminer",
    re.IGNORECASE)
UPN = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"


def main(path):
    out = sys.stdout
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            op = (record.get("operationName") or "").lower()
            if op not in CORE_OPS:
                continue
            props = record.get("properties") or {}
            body = (props.get("requestbody") or "") + " " + (props.get("responseBody") or "")
            if not CORE_RE.search(body):
                continue
            claims = (record.get("identity") or {}).get("claims") or {}
            who = claims.get(UPN) or claims.get("appid") or ""
            out.write("\t".join([record.get("time", ""), (record.get("resourceId") or "").lower(),
                                 op, who, record.get("callerIpAddress", "")]) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
