// Starts tauri-driver (which drives WebKitWebDriver) for one test file and opens sessions on the
// built app. Each session launches the app afresh with the given data directory.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, fstatSync, mkdtempSync, openSync, readSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder, By, until } from 'selenium-webdriver';

export { By, until };

const application = process.env.STEWARD_APP;
if (!application) {
  throw new Error('STEWARD_APP must name the built app binary (scripts/test.sh sets it)');
}

/**
 * Ports free right now, all different: every listener stays open until all are taken, so the
 * OS cannot hand the same port out twice (it did: tauri-driver and WebKitWebDriver then fought
 * over one port and the driver logged gigabytes).
 */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i += 1) {
      servers.push(
        await new Promise((resolve, reject) => {
          const server = createServer();
          server.unref();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
      );
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** The end of a log file: enough to explain a failure, never more than `bytes`. */
function tail(path, bytes = 64 * 1024) {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return (size > length ? `[… ${size - length} earlier bytes left out]\n` : '') + buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
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

/** Starts tauri-driver with the app's environment; returns { session(), stop() }. Tries again
 * with fresh ports when the driver does not come up (a port taken meanwhile by another process). */
export async function startDriver(env) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startDriverOnce(env);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startDriverOnce(env) {
  const [port, nativePort] = await freePorts(2);
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
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n--- ${logPath} ---\n${tail(logPath)}`);
  }
  return {
    async session() {
      return new Builder()
        .usingServer(url)
        .withCapabilities({ browserName: 'wry', 'tauri:options': { application } })
        .build();
    },
    /** The end of the driver's and the app's output so far, to explain a failure. */
    log() {
      return tail(logPath);
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
