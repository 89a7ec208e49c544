// duckq: runs SQL with DuckDB and prints the last statement's rows as JSON.
// usage: JOURNEYS_DUCKDB_DIR=DIR node duckq.cjs < statements.json
// where statements.json is a JSON array of SQL texts (each may hold several
// statements) and DIR is where `npm install --prefix DIR @duckdb/node-api` put it.
const path = require('path');
const dir = process.env.JOURNEYS_DUCKDB_DIR;
if (!dir) {
  console.error('JOURNEYS_DUCKDB_DIR is not set');
  process.exit(3);
}
const { DuckDBInstance } = require(path.join(dir, 'node_modules', '@duckdb', 'node-api'));
(async () => {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const stmts = JSON.parse(input);
  const inst = await DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  let rows = [];
  for (const sql of stmts) {
    const r = await con.runAndReadAll(sql);
    rows = r.getRowObjectsJson();
  }
  process.stdout.write(JSON.stringify(rows));
})().catch((e) => {
  console.error(String(e && e.message ? e.message : e));
  process.exit(1);
});
