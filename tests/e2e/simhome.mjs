// Starts the simulated home (the steward-simhome binary) for an end-to-end test and returns the
// bus address the app must use as its system bus. It stops when its standard input closes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export async function startSimHome() {
  const binary = process.env.STEWARD_SIMHOME;
  if (!binary) throw new Error('STEWARD_SIMHOME must name the steward-simhome binary (scripts/test.sh sets it)');
  const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
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
  return {
    address,
    stop() {
      child.stdin.end();
    },
  };
}
