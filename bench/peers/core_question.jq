# jq peer of the benchmark: the core question over an export JSON Lines file.
# Usage: jq -r -f core_question.jq FILE   (prints time, resource, operation, who, ip as TSV)
def core_ops: [
  "microsoft.compute/virtualmachines/write",
  "microsoft.compute/virtualmachinescalesets/write",
  "microsoft.compute/virtualmachines/extensions/write",
  "microsoft.compute/virtualmachinescalesets/extensions/write",
  "microsoft.batch/batchaccounts/pools/write",
  "microsoft.containerinstance/containergroups/write"];
(.operationName // "" | ascii_downcase) as $op
| select(core_ops | index([$op]))
| select(((.properties.requestbody // "") + " " + (.properties.responseBody // ""))
         | test("standard_?n[cdgv]|xmrig|stratum\\+|nicehash|ethminer|lolminer|nbminer|t-rex|phoenixminer"; "i"))
| [.time, (.resourceId | ascii_downcase), $op,
   (.identity.claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] // .identity.claims.appid),
   .callerIpAddress]
| @tsv
