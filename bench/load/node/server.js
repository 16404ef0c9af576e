'use strict';
// The Node.js reference server of the load benchmark: what a user could write by hand to serve
// the same WASI modules with the same records. Built-in node:wasi, one fresh instance per request
// (the compiled module is cached, as the runner caches it), one INSERT per request into the same
// `executions` table and shards as the runner, awaited before answering. node:cluster runs one
// worker per core. No fuel metering and no wall-clock limit: Node has neither, so this server
// does less work per request than the runner.
//
// Environment: PORT (8090), FUNCTIONS_DIR (directory of <name>.wasm), SHARDS (comma-separated
// postgresql:// URIs, in the runner's order), WORKERS (cores), POOL_SIZE (10 per shard per worker).
//
// Routes: GET|POST /execute/<name> (body -> stdin, QUERY_STRING and REQUEST_METHOD in the
// environment, stdout -> 200 body or 500 on a non-zero exit, X-Execution-Id header) and
// GET /ping (the HTTP ceiling of this server).

const cluster = require('node:cluster');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { WASI } = require('node:wasi');

const PORT = Number(process.env.PORT || 8090);
const FUNCTIONS_DIR = process.env.FUNCTIONS_DIR || 'guests/wasm';
const SHARDS = (process.env.SHARDS || '').split(',').filter(Boolean);
const WORKERS = Number(process.env.WORKERS || os.availableParallelism());
const POOL_SIZE = Number(process.env.POOL_SIZE || 10);
const SNIPPET_BYTES = 2048;

if (require.main === module) {
  if (cluster.isPrimary) {
    runPrimary();
  } else {
    runWorker();
  }
}

function runPrimary() {
  if (SHARDS.length === 0) {
    console.error('SHARDS is required (comma-separated postgresql:// URIs)');
    process.exit(2);
  }
  let stopping = false;
  let listening = 0;
  for (let i = 0; i < WORKERS; i++) {
    cluster.fork();
  }
  cluster.on('listening', () => {
    listening += 1;
    if (listening === WORKERS) {
      console.log(`node reference server: ${WORKERS} workers on :${PORT}, ${SHARDS.length} shards`);
    }
  });
  // A worker that dies mid-benchmark would silently lower the numbers: fail loudly instead.
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      console.error(`worker ${worker.process.pid} exited (code ${code}, signal ${signal})`);
      process.exit(1);
    }
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers)) {
      worker.kill('SIGTERM');
    }
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function runWorker() {
  const { Pool } = require('pg');
  const pools = SHARDS.map((uri) => new Pool({ connectionString: uri, max: POOL_SIZE }));
  const modules = new Map();

  const server = http.createServer((req, res) => {
    handle(req, res, pools, modules).catch((err) => {
      console.error(err);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
      }
      res.end(String(err));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(PORT, '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    Promise.all(pools.map((p) => p.end())).finally(() => process.exit(0));
  });
}

async function handle(req, res, pools, modules) {
  const q = req.url.indexOf('?');
  const pathname = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  if (pathname === '/ping') {
    res.end('pong');
    return;
  }
  const match = /^\/execute\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(pathname);
  const loaded = match ? loadModule(modules, match[1]) : null;
  if (!loaded) {
    req.resume();
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end('{"error":"Function not found","status":404}');
    return;
  }
  const stdin = await readBody(req);
  const started = process.hrtime.bigint();
  const run = runWasm(loaded.module, match[1], stdin, query, req.method);
  const durationUs = Number((process.hrtime.bigint() - started) / 1000n);
  const id = uuidv7();
  const snippet = run.stdout.subarray(0, SNIPPET_BYTES).toString('utf8');
  await pools[shardOf(id, pools.length)].query({
    name: 'insert-execution',
    text:
      'INSERT INTO executions (id, function, module_digest, exit_code, outcome, stdout_snippet,' +
      ' stdout_bytes, duration_us, fuel_consumed, error, created_at)' +
      ' VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
    values: [
      id,
      match[1],
      loaded.digest,
      run.exitCode,
      run.exitCode === 0 ? 'ok' : 'exit',
      snippet,
      run.stdout.length,
      durationUs,
      0,
      run.exitCode === 0 ? null : `Wasm exited with code ${run.exitCode}`,
      new Date(),
    ],
  });
  res.writeHead(run.exitCode === 0 ? 200 : 500, {
    'Content-Type': 'text/plain',
    'X-Execution-Id': id,
  });
  res.end(run.stdout);
}

/** The compiled module and digest of <name>.wasm, compiled once per worker; null when absent. */
function loadModule(modules, name) {
  if (!modules.has(name)) {
    const file = path.join(FUNCTIONS_DIR, `${name}.wasm`);
    if (!fs.existsSync(file)) {
      return null;
    }
    const bytes = fs.readFileSync(file);
    modules.set(name, {
      module: new WebAssembly.Module(bytes),
      digest: 'sha256:' + crypto.createHash('sha256').update(bytes).digest('hex'),
    });
  }
  return modules.get(name);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Runs a WASI command in a fresh instance. node:wasi only takes real file descriptors for stdio,
 * so fd_read(0) and fd_write(1|2) are served from memory, as the runner does; everything else
 * is node:wasi's.
 */
function runWasm(module, name, stdin, query, method) {
  const wasi = new WASI({
    version: 'preview1',
    args: [name],
    env: { QUERY_STRING: query, REQUEST_METHOD: method },
    returnOnExit: true,
  });
  const base = wasi.getImportObject().wasi_snapshot_preview1;
  const stdout = [];
  let stdinPos = 0;
  let memory = null;
  // node:wasi's functions are native: V8 compiles fresh import wrappers for them at every
  // instantiation (5-10 ms for these modules, measured with Node 20). Plain JS closures around
  // them have cached wrappers (~0.1 ms), so the server wraps them, as a careful user would.
  const io = {};
  for (const name of Object.keys(base)) {
    const fn = base[name];
    io[name] = (...args) => fn(...args);
  }
  Object.assign(io, {
    fd_write(fd, iovs, iovsLen, nwrittenPtr) {
      if (fd !== 1 && fd !== 2) {
        return base.fd_write(fd, iovs, iovsLen, nwrittenPtr);
      }
      const view = new DataView(memory.buffer);
      let written = 0;
      for (let i = 0; i < iovsLen; i++) {
        const ptr = view.getUint32(iovs + i * 8, true);
        const len = view.getUint32(iovs + i * 8 + 4, true);
        if (fd === 1) {
          stdout.push(Buffer.from(new Uint8Array(memory.buffer, ptr, len)));
        }
        written += len;
      }
      view.setUint32(nwrittenPtr, written, true);
      return 0;
    },
    fd_read(fd, iovs, iovsLen, nreadPtr) {
      if (fd !== 0) {
        return base.fd_read(fd, iovs, iovsLen, nreadPtr);
      }
      const view = new DataView(memory.buffer);
      let read = 0;
      for (let i = 0; i < iovsLen && stdinPos < stdin.length; i++) {
        const ptr = view.getUint32(iovs + i * 8, true);
        const len = view.getUint32(iovs + i * 8 + 4, true);
        const n = Math.min(len, stdin.length - stdinPos);
        new Uint8Array(memory.buffer, ptr, n).set(stdin.subarray(stdinPos, stdinPos + n));
        stdinPos += n;
        read += n;
      }
      view.setUint32(nreadPtr, read, true);
      return 0;
    },
  });
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: io });
  memory = instance.exports.memory;
  const exitCode = wasi.start(instance);
  return { exitCode, stdout: Buffer.concat(stdout) };
}

// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version, random bits; random bytes drawn in blocks.
const RANDOM_BLOCK = 4096;
let random = crypto.randomBytes(RANDOM_BLOCK);
let randomPos = 0;

function uuidv7() {
  if (randomPos + 10 > RANDOM_BLOCK) {
    random = crypto.randomBytes(RANDOM_BLOCK);
    randomPos = 0;
  }
  const b = Buffer.allocUnsafe(16);
  const ms = Date.now();
  b.writeUIntBE(ms, 0, 6);
  random.copy(b, 6, randomPos, randomPos + 10);
  randomPos += 10;
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The runner's ShardRouter: MurmurHash3's 64-bit finaliser of the low 62 bits, modulo the shard
// count, so a row lands on the shard the runner would read it from.
const RANDOM_BITS = 0x3fffffffffffffffn;

function shardOf(id, count) {
  let h = BigInt('0x' + id.slice(19, 23) + id.slice(24)) & RANDOM_BITS;
  h ^= h >> 33n;
  h = BigInt.asUintN(64, h * 0xff51afd7ed558ccdn);
  h ^= h >> 33n;
  h = BigInt.asUintN(64, h * 0xc4ceb9fe1a85ec53n);
  h ^= h >> 33n;
  return Number(h % BigInt(count));
}

module.exports = { runWasm, shardOf, uuidv7 };
