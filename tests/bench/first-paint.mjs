// First paint of the release app against the minimal Tauri 2 app (benches/minimal-tauri), in the
// same run: each launched RUNS times through tauri-driver under the current X display, timing
// from the WebDriver session request to the first heading on screen (both apps draw an <h1>
// first). Steward's time to its home screen with the household loaded is printed beside it.
// Then, with each app idle for 3 s, its memory: the proportional set size (PSS, shared pages
// split between the processes that share them) summed over the app and its WebKit processes.
// A measurement, never a test: it prints figures and exits 0.
//
//   STEWARD_APP=… MINIMAL_APP=… node tests/bench/first-paint.mjs
//
// Run by `scripts/bench.sh size` under xvfb-run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';

const RUNS = Number(process.env.RUNS ?? 7);
/** How many processes each measurement summed (the app, WebKit's web and network processes). */
const processes = new Set();
const apps = { steward: process.env.STEWARD_APP, minimal: process.env.MINIMAL_APP };

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function launch(application, env) {
  const [port, nativePort] = [await freePort(), await freePort()];
  const driver = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i += 1) {
    try {
      if ((await fetch(`${url}/status`)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const started = performance.now();
  const session = await new Builder()
    .usingServer(url)
    .withCapabilities({ browserName: 'wry', 'tauri:options': { application } })
    .build();
  await session.wait(until.elementLocated(By.css('h1')), 30_000);
  const painted = performance.now() - started;
  let ready = null;
  if (env.STEWARD_DATA_DIR) {
    await session.wait(until.elementLocated(By.css('.devices')), 30_000);
    ready = performance.now() - started;
  }
  await new Promise((r) => setTimeout(r, 3_000));
  const tree = processTree(application);
  const memory = pssMiB(tree);
  processes.add(tree.length);
  await session.quit();
  driver.kill('SIGTERM');
  return { painted, ready, memory };
}

/** The app's process (started by WebKitWebDriver) and every process under it, by parent pid. */
function processTree(binary) {
  const procs = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0];
      procs.push({ pid: Number(entry), ppid, cmd });
    } catch {
      // Gone meanwhile.
    }
  }
  const roots = procs.filter((p) => p.cmd === binary).map((p) => p.pid);
  const tree = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (tree.has(p.ppid) && !tree.has(p.pid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** PSS of those processes, in MiB. */
function pssMiB(pids) {
  let kib = 0;
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      kib += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return kib / 1024;
}

function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] };
}

const times = { steward: [], minimal: [], stewardReady: [], stewardMemory: [], minimalMemory: [] };
// Interleaved, so a slow moment of the machine falls on both.
for (let run = 0; run < RUNS + 1; run += 1) {
  const minimal = await launch(apps.minimal, {});
  const steward = await launch(apps.steward, { STEWARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'steward-paint-')) });
  if (run === 0) continue; // the first launch of each warms the disk cache
  times.minimal.push(minimal.painted);
  times.steward.push(steward.painted);
  times.stewardReady.push(steward.ready);
  times.stewardMemory.push(steward.memory);
  times.minimalMemory.push(minimal.memory);
}
const s = spread(times.steward);
const m = spread(times.minimal);
const r = spread(times.stewardReady);
const f = (x) => x.toFixed(0);
console.log(
  `first_paint steward_ms=${f(s.median)} minimal_ms=${f(m.median)} ratio=${(s.median / m.median).toFixed(2)} ` +
    `steward_home_ready_ms=${f(r.median)}   [steward ${f(s.min)}-${f(s.max)}, minimal ${f(m.min)}-${f(m.max)}, home ready ${f(r.min)}-${f(r.max)}; ${RUNS} runs each]`,
);
const sm = spread(times.stewardMemory);
const mm = spread(times.minimalMemory);
const g = (x) => x.toFixed(1);
console.log(
  `idle_memory steward_pss_mib=${g(sm.median)} minimal_pss_mib=${g(mm.median)} ratio=${(sm.median / mm.median).toFixed(2)}   ` +
    `[steward ${g(sm.min)}-${g(sm.max)}, minimal ${g(mm.min)}-${g(mm.max)}; ${[...processes].join(' or ')} processes each, 3 s after the first heading]`,
);
