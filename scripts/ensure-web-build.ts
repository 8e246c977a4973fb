/**
 * Builds the dashboard (packages/web) when its build is missing or older than any of its
 * sources, so `npm start` always serves the current client without a separate build step.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const web = join(import.meta.dirname, '..', 'packages', 'web');
const built = join(web, 'dist', 'index.html');
const sources = ['src', 'index.html', 'vite.config.ts', 'package.json', join('..', 'contract', 'src')];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), st.mtimeMs);
}

if (!existsSync(join(web, 'index.html'))) process.exit(0);
const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
const changedAt = Math.max(...sources.map((s) => newest(join(web, s))));
if (builtAt >= changedAt) process.exit(0);

console.error(builtAt === 0 ? 'Building the dashboard…' : 'Dashboard sources changed: rebuilding…');
const r = spawnSync('npm', ['run', 'build', '-w', '@oversight/web'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
