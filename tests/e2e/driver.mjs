// Starts tauri-driver (which drives WebKitWebDriver) for one test file and opens sessions on the
// built app. Each session launches the app afresh with the given data directory.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';

export { By, until };

const application = process.env.STEWARD_APP;
if (!application) {
  throw new Error('STEWARD_APP must name the built app binary (scripts/test.sh sets it)');
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForDriver(url, child, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tauri-driver did not answer at ${url} within ${deadlineMs} ms`);
}

/** A fresh, empty data directory for the app. */
export function freshDataDir() {
  return mkdtempSync(join(tmpdir(), 'steward-e2e-'));
}

/** Starts tauri-driver with the app's environment; returns { session(), stop() }. */
export async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  // The driver's and the app's output go to a log file, printed only when something fails.
  const logPath = join(mkdtempSync(join(tmpdir(), 'steward-e2e-log-')), 'tauri-driver.log');
  const log = openSync(logPath, 'a');
  const child = spawn(process.env.TAURI_DRIVER ?? 'tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForDriver(url, child, 20_000);
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${error.message}\n--- ${logPath} ---\n${readFileSync(logPath, 'utf8')}`);
  }
  return {
    async session() {
      return new Builder()
        .usingServer(url)
        .withCapabilities({ browserName: 'wry', 'tauri:options': { application } })
        .build();
    },
    /** The driver's and the app's output so far, to explain a failure. */
    log() {
      return readFileSync(logPath, 'utf8');
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

/** Loads an SQL script into a new SQLite file, as an older Steward would have left it. */
export function sqliteFromScript(dbPath, sqlPath) {
  const result = spawnSync(
    'python3',
    ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.commit(); c.close()', dbPath, sqlPath],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`could not build ${dbPath}: ${result.stderr}`);
}
