// read.mjs: reads Parquet files with independent readers and prints each
// file's schema and rows in one canonical form, for readers_test.go.
//
// usage:
//   JOURNEYS_READERS_DIR=DIR node read.mjs READER PATH [OUT]
//   JOURNEYS_READERS_DIR=DIR node read.mjs --jobs < jobs.json
//
// DIR holds node_modules with the packages of package.json here (npm ci
// --prefix DIR after copying package.json and package-lock.json there).
// READER is duckdb, polars, hyparquet or parquet-wasm; duckdb-hive and
// polars-hive read PATH as a Hive-partitioned folder (PATH/**/*.parquet);
// duckdb-meta prints DuckDB's parquet_metadata() of the file instead of
// its rows. jobs.json is a JSON array of {"reader", "path", "out"}; each
// job writes its own OUT, so that one unreadable file does not hide the
// others.
//
// Output, one JSON document a line: first {"schema": [{"name", "type",
// "nullable"}]}, where type is the reader's own name of the column's type
// and nullable is true/false, or null when the reader does not say; then
// one JSON array a row, values in schema order:
//   integers        decimal strings ("42"), never JS numbers
//   timestamps      "YYYY-MM-DDTHH:MM:SS.ffffffZ" (microseconds, UTC)
//   dates           "YYYY-MM-DD"
//   strings, booleans, doubles as JSON; lists as arrays; null as null.
// A reader that fails writes {"error": "..."} and stops that file.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const dir = process.env.JOURNEYS_READERS_DIR;
if (!dir) {
  console.error('JOURNEYS_READERS_DIR is not set');
  process.exit(3);
}
const req = createRequire(path.join(path.resolve(dir), 'package.json'));
const load = (name) => import(pathToFileURL(req.resolve(name)).href);

// --- canonical values ----------------------------------------------------

const US_PER_MS = 1000n;

// ts formats microseconds since the epoch (a BigInt) as RFC 3339 with six
// fractional digits.
function ts(us) {
  us = BigInt(us);
  let ms = us / US_PER_MS;
  let rem = us % US_PER_MS;
  if (rem < 0n) {
    rem += US_PER_MS;
    ms -= 1n;
  }
  const iso = new Date(Number(ms)).toISOString(); // ...SS.mmmZ
  return iso.slice(0, -1) + String(rem).padStart(3, '0') + 'Z';
}

// toMicros converts a count of unit ('s', 'ms', 'us', 'ns') to microseconds.
function toMicros(v, unit) {
  v = BigInt(v);
  switch (unit) {
    case 's': return v * 1000000n;
    case 'ms': return v * 1000n;
    case 'us': return v;
    case 'ns': {
      let q = v / 1000n;
      if (v % 1000n < 0n) q -= 1n;
      return q;
    }
  }
  throw new Error(`unknown time unit ${unit}`);
}

function date(days) {
  return new Date(Number(days) * 86400000).toISOString().slice(0, 10);
}

function int(v) {
  return v === null || v === undefined ? null : String(v);
}

// Output is buffered and written synchronously, a batch at a time.
class Out {
  constructor(file) {
    this.fd = file ? fs.openSync(file, 'w') : 1;
    this.own = !!file;
    this.buf = [];
    this.size = 0;
  }
  line(s) {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) this.flush();
  }
  json(v) {
    this.line(JSON.stringify(v));
  }
  flush() {
    if (this.buf.length) {
      fs.writeSync(this.fd, this.buf.join('\n') + '\n');
      this.buf = [];
      this.size = 0;
    }
  }
  close() {
    this.flush();
    if (this.own) fs.closeSync(this.fd);
  }
}

function hiveGlob(p) {
  return path.join(p, '**', '*.parquet');
}

// --- DuckDB --------------------------------------------------------------

let duck;
async function duckdbConnection() {
  if (!duck) {
    const { DuckDBInstance } = req('@duckdb/node-api');
    const inst = await DuckDBInstance.create(':memory:');
    duck = await inst.connect();
  }
  return duck;
}

function sqlString(s) {
  return "'" + s.replaceAll("'", "''") + "'";
}

// duckValue canonicalises a value DuckDB's node API returns.
function duckValue(v) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'bigint': return String(v);
    case 'number':
    case 'string':
    case 'boolean':
      return v;
  }
  const kind = v.constructor && v.constructor.name;
  switch (kind) {
    case 'DuckDBTimestampTZValue':
    case 'DuckDBTimestampValue':
      return ts(v.micros);
    case 'DuckDBTimestampMillisecondsValue':
      return ts(toMicros(v.millis, 'ms'));
    case 'DuckDBTimestampSecondsValue':
      return ts(toMicros(v.seconds, 's'));
    case 'DuckDBTimestampNanosecondsValue':
      return ts(toMicros(v.nanos, 'ns'));
    case 'DuckDBDateValue':
      return date(v.days);
    case 'DuckDBListValue':
    case 'DuckDBArrayValue':
      return v.items.map(duckValue);
  }
  return `unsupported DuckDB value ${kind}: ${String(v)}`;
}

async function readDuckDB(src, out, hive) {
  const con = await duckdbConnection();
  const from = hive
    ? `read_parquet(${sqlString(hiveGlob(src))}, hive_partitioning = true)`
    : `read_parquet(${sqlString(src)})`;
  const result = await con.stream(`SELECT * FROM ${from}`);
  const names = result.columnNames();
  const types = result.columnTypes();
  out.json({ schema: names.map((n, i) => ({ name: n, type: String(types[i]), nullable: null })) });
  for await (const rows of result.yieldRows()) {
    for (const row of rows) out.json(row.map(duckValue));
  }
}

async function readDuckDBMetadata(src, out) {
  const con = await duckdbConnection();
  const result = await con.runAndReadAll(
    `SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, type,
      stats_min, stats_max, stats_null_count, stats_min_value, stats_max_value
     FROM parquet_metadata(${sqlString(src)}) ORDER BY row_group_id, column_id`);
  out.json({ schema: result.columnNames().map((n, i) => ({ name: n, type: String(result.columnTypes()[i]), nullable: null })) });
  for (const row of result.getRows()) out.json(row.map(duckValue));
}

// --- polars --------------------------------------------------------------

let pl;

function polarsType(dt) {
  const v = dt.variant;
  if (v === 'Datetime') return `Datetime(${dt.timeUnit},${dt.timeZone ?? ''})`;
  if (v === 'List') return `List(${polarsType(listInner(dt))})`;
  return v;
}

// listInner returns the element type of a polars List type.
function listInner(dt) {
  const inner = dt.inner;
  return Array.isArray(inner) ? inner[0] : inner;
}

// polarsColumn returns a column's values, canonical. Integers and
// timestamps are cast to strings inside polars so that no value passes
// through a JS number.
function polarsColumn(s) {
  const dt = s.dtype;
  switch (dt.variant) {
    case 'Int8': case 'Int16': case 'Int32': case 'Int64':
    case 'UInt8': case 'UInt16': case 'UInt32': case 'UInt64':
      return s.cast(pl.Utf8).toArray();
    case 'Datetime': {
      const unit = dt.timeUnit;
      return s.cast(pl.Int64).cast(pl.Utf8).toArray().map((x) => (x === null ? null : ts(toMicros(x, unit))));
    }
    case 'Date':
      return s.cast(pl.Int32).toArray().map((x) => (x === null ? null : date(x)));
    case 'Categorical': case 'Enum':
      return s.cast(pl.Utf8).toArray();
    case 'String': case 'Bool': case 'Float64': case 'Float32':
      return s.toArray();
    case 'List': {
      const inner = listInner(dt);
      const lists = ['String', 'Bool', 'Float64'].includes(inner.variant)
        ? s.toArray()
        : s.cast(pl.List(pl.Utf8)).toArray();
      return lists.map((l) => (l === null ? null : Array.from(l)));
    }
  }
  throw new Error(`unsupported polars type ${polarsType(dt)}`);
}

async function readPolars(src, out, hive) {
  pl = pl || req('nodejs-polars');
  const df = hive
    ? pl.scanParquet(hiveGlob(src), { hivePartitioning: true }).collectSync()
    : pl.readParquet(src);
  const cols = df.getColumns();
  out.json({ schema: cols.map((s) => ({ name: s.name, type: polarsType(s.dtype), nullable: null })) });
  const values = cols.map(polarsColumn);
  for (let i = 0; i < df.height; i++) out.json(values.map((c) => c[i]));
}

// --- hyparquet -----------------------------------------------------------

function hyLogical(e) {
  const lt = e.logical_type;
  if (!lt) return e.converted_type ? '/' + e.converted_type : '';
  switch (lt.type) {
    case 'INTEGER': return `/INT(${lt.bitWidth},${lt.isSigned ? 'signed' : 'unsigned'})`;
    case 'TIMESTAMP': return `/TIMESTAMP(${lt.unit},${lt.isAdjustedToUTC ? 'UTC' : 'local'})`;
    default: return '/' + lt.type;
  }
}

function hyType(node) {
  const e = node.element;
  if (e.logical_type?.type === 'LIST' || e.converted_type === 'LIST') {
    return `LIST<${hyType(node.children[0].children[0])}>`;
  }
  if (node.children.length) return 'GROUP';
  return e.type + hyLogical(e);
}

function hyValue(v) {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'bigint': return String(v);
    case 'number':
    case 'string':
    case 'boolean':
      return v;
  }
  if (Array.isArray(v)) return v.map(hyValue);
  if ('us' in v) return ts(v.us);
  if ('days' in v) return date(v.days);
  return `unsupported hyparquet value ${JSON.stringify(v)}`;
}

async function readHyparquet(src, out) {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetSchema, parquetRead } = await load('hyparquet');
  const { compressors } = await load('hyparquet-compressors');
  const file = await asyncBufferFromFile(src);
  const metadata = await parquetMetadataAsync(file);
  const schema = parquetSchema(metadata);
  out.json({
    schema: schema.children.map((c) => ({ name: c.element.name, type: hyType(c), nullable: c.element.repetition_type === 'OPTIONAL' })),
  });
  // Timestamps and dates come through as tagged raw numbers, so that no
  // microsecond is lost to a JS Date.
  const parsers = {
    timestampFromMilliseconds: (v) => ({ us: toMicros(v, 'ms') }),
    timestampFromMicroseconds: (v) => ({ us: BigInt(v) }),
    timestampFromNanoseconds: (v) => ({ us: toMicros(v, 'ns') }),
    dateFromDays: (v) => ({ days: v }),
  };
  let start = 0;
  for (const rg of metadata.row_groups) {
    const end = start + Number(rg.num_rows);
    await parquetRead({
      file, metadata, compressors, parsers, rowStart: start, rowEnd: end, rowFormat: 'array',
      onComplete: (rows) => {
        for (const row of rows) out.json(row.map(hyValue));
      },
    });
    start = end;
  }
}

// --- parquet-wasm (arrow-rs) with apache-arrow ---------------------------

const ARROW_TIME_UNITS = ['s', 'ms', 'us', 'ns'];

// arrowColumn returns the canonical values of one Arrow JS vector.
// Timestamps and dates are read from the raw buffers: Vector.get turns
// them into (lossy) JS milliseconds.
function arrowColumn(arrow, vec) {
  const { Type } = arrow;
  const outv = [];
  for (const d of vec.data) {
    const t = d.type;
    const id = t.typeId;
    const v = arrow.makeVector(d);
    for (let j = 0; j < d.length; j++) {
      if (!d.getValid(j)) {
        outv.push(null);
        continue;
      }
      if (id === Type.Timestamp) {
        if (d.offset !== 0) throw new Error('sliced timestamp data');
        outv.push(ts(toMicros(d.values[j], ARROW_TIME_UNITS[t.unit])));
      } else if (id === Type.Date && t.unit === 0) {
        if (d.offset !== 0) throw new Error('sliced date data');
        outv.push(date(d.values[j]));
      } else if (id === Type.Int) {
        outv.push(String(v.get(j)));
      } else if (id === Type.List || id === Type.LargeList) {
        outv.push(arrowColumn(arrow, v.get(j)));
      } else {
        // strings (plain or dictionary-encoded), booleans, doubles
        outv.push(v.get(j));
      }
    }
  }
  return outv;
}

let wasm;
async function readParquetWasm(src, out) {
  wasm = wasm || (await load('parquet-wasm'));
  const arrow = await load('apache-arrow');
  const bytes = new Uint8Array(fs.readFileSync(src));
  const schemaTable = arrow.tableFromIPC(wasm.readSchema(bytes).intoIPCStream());
  out.json({
    schema: schemaTable.schema.fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
  });
  // One row group at a time keeps memory flat.
  const pf = await wasm.ParquetFile.fromFile(new Blob([bytes]));
  const groups = pf.metadata().numRowGroups();
  for (let rg = 0; rg < groups; rg++) {
    const t = wasm.readParquet(bytes, { rowGroups: [rg], batchSize: 65536 });
    const at = arrow.tableFromIPC(t.intoIPCStream());
    const cols = at.schema.fields.map((f) => arrowColumn(arrow, at.getChild(f.name)));
    for (let i = 0; i < at.numRows; i++) out.json(cols.map((c) => c[i]));
  }
}

// --- main ----------------------------------------------------------------

const readers = {
  duckdb: (src, out) => readDuckDB(src, out, false),
  'duckdb-hive': (src, out) => readDuckDB(src, out, true),
  'duckdb-meta': readDuckDBMetadata,
  polars: (src, out) => readPolars(src, out, false),
  'polars-hive': (src, out) => readPolars(src, out, true),
  hyparquet: readHyparquet,
  'parquet-wasm': readParquetWasm,
};

async function run(job) {
  const out = new Out(job.out);
  try {
    const read = readers[job.reader];
    if (!read) throw new Error(`unknown reader ${job.reader}`);
    await read(job.path, out);
  } catch (e) {
    out.json({ error: String(e && e.message ? e.message : e) });
  } finally {
    out.close();
  }
}

if (process.argv[2] === '--jobs') {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  for (const job of JSON.parse(input)) await run(job);
} else if (process.argv.length >= 4) {
  await run({ reader: process.argv[2], path: process.argv[3], out: process.argv[4] });
} else {
  console.error('usage: node read.mjs READER PATH [OUT] | node read.mjs --jobs < jobs.json');
  process.exit(2);
}
