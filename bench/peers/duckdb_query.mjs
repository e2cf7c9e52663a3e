// DuckDB peer of the benchmark: the core question over an export JSON Lines file, with
// read_json (explicit columns, so DuckDB skips schema sampling) and a regexp over the bodies.
// Usage: node duckdb_query.mjs FILE [THREADS]   (prints time, resource, operation, who, ip as TSV)
// @duckdb/node-api is resolved from NODE_PATH (scripts/bench installs it in its cache).
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), 'x.js'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [file, threads = '2'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node duckdb_query.mjs FILE [THREADS]');
  process.exit(2);
}
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
const upn = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn';

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const con = await instance.connect();
const sql = `
SELECT time,
       lower(resourceId) AS resource,
       lower(operationName) AS operation,
       coalesce(identity.claims."${upn}", identity.claims.appid) AS who,
       callerIpAddress AS ip
FROM read_json(${quote(file)}, format = 'newline_delimited', columns = {
       time: 'VARCHAR', resourceId: 'VARCHAR', operationName: 'VARCHAR',
       callerIpAddress: 'VARCHAR',
       identity: 'STRUCT(claims STRUCT("${upn}" VARCHAR, appid VARCHAR))',
       properties: 'STRUCT(requestbody VARCHAR, responseBody VARCHAR)'})
WHERE lower(operationName) IN (
        'microsoft.compute/virtualmachines/write',
        'microsoft.compute/virtualmachinescalesets/write',
        'microsoft.compute/virtualmachines/extensions/write',
        'microsoft.compute/virtualmachinescalesets/extensions/write',
        'microsoft.batch/batchaccounts/pools/write',
        'microsoft.containerinstance/containergroups/write')
  AND regexp_matches(coalesce(properties.requestbody, '') || ' ' || coalesce(properties.responseBody, ''),
        'standard_?n[cdgv]|xmrig|stratum\\+|nicehash|ethminer|lolminer|nbminer|t-rex|phoenixminer', 'i')
ORDER BY time`;
const reader = await con.runAndReadAll(sql);
const out = reader.getRows().map((r) => r.map((v) => (v === null ? '' : String(v))).join('\t'));
process.stdout.write(out.length ? out.join('\n') + '\n' : '');
con.closeSync();
instance.closeSync();
