#!/usr/bin/env node
// Oversight runs TypeScript directly, which needs Node.js 24. When started by an older Node
// (a system default), hand over to the project's pinned Node 24 (the `node` devDependency).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'src', 'cli', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  await import(main);
} else {
  let dir = here;
  let pinned = null;
  for (let i = 0; i < 6 && !pinned; i++) {
    const candidate = join(dir, 'node_modules', '.bin', 'node');
    if (existsSync(candidate)) pinned = candidate;
    dir = dirname(dir);
  }
  if (!pinned) {
    console.error(`oversight needs Node.js 24 (this is ${process.version}); run npm install to fetch it`);
    process.exit(1);
  }
  const r = spawnSync(pinned, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
