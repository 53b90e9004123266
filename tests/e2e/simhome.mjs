// Starts the simulated home (the steward-simhome binary) for an end-to-end test and returns the
// bus address the app must use as its system bus, and `act(step)` to make something happen in the
// home (a scenario step such as `dispense soap_dispenser`). It stops when its standard input closes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export async function startSimHome() {
  const binary = process.env.STEWARD_SIMHOME;
  if (!binary) throw new Error('STEWARD_SIMHOME must name the steward-simhome binary (scripts/test.sh sets it)');
  // On the tests' private session bus (scripts/with-keyring.sh) the home is also the desktop's
  // notification service, recording what the app shows.
  const record = process.env.STEWARD_PRIVATE_SESSION
    ? join(mkdtempSync(join(tmpdir(), 'steward-notifications-')), 'shown.jsonl')
    : undefined;
  const child = spawn(binary, record ? ['--notifications', record] : [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const address = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the simulated home did not print its address in 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`the simulated home exited with ${code}`)));
    lines.on('line', (line) => {
      const match = /^DBUS_SYSTEM_BUS_ADDRESS=(.+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  // Each step typed on the home's standard input is answered, in order, by `ok` or `error: …`.
  const waiting = [];
  lines.on('line', (line) => {
    if (line === 'ok' || line.startsWith('error: ')) waiting.shift()?.(line);
  });
  return {
    address,
    /** Runs one scenario step in the home; rejects with the home's reason if it refused it. */
    act(step) {
      return new Promise((resolve, reject) => {
        waiting.push((answer) => (answer === 'ok' ? resolve() : reject(new Error(`${step}: ${answer}`))));
        child.stdin.write(`${step}\n`);
      });
    },
    /** What the app has shown, each notification as it now is (closed ones too), oldest first. */
    notifications() {
      if (!record) throw new Error('no notification service: run the tests under scripts/with-keyring.sh');
      if (!existsSync(record)) return [];
      const latest = new Map();
      for (const line of readFileSync(record, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const shown = JSON.parse(line);
        latest.set(shown.id, shown);
      }
      return [...latest.values()];
    },
    stop() {
      child.stdin.end();
    },
  };
}
