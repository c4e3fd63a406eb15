#!/usr/bin/env node
// The `lus-signs` command (package.json "bin"): runs cli/lus-signs.ts through tsx, passing arguments and exit status on.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('./lus-signs.ts', import.meta.url));
// Resolved from this package, not the caller's folder, so `npx lus-signs` works from anywhere.
const tsx = import.meta.resolve('tsx');
const child = spawn(process.execPath, ['--import', tsx, entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
