#!/usr/bin/env node
// The `vidu-ad-admin` command, in this same process (no child process). In a
// checkout it runs the admin tool's TypeScript source through tsx's CommonJS
// hook (tsx is a dev dependency); where there are no sources, only the
// production build (`npm run build`), it runs the compiled dist/ file.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const source = fileURLToPath(new URL('../src/entrypoints/admin/main.ts', import.meta.url));
if (existsSync(source)) {
  const { register } = await import('tsx/cjs/api');
  register();
  require(source);
} else {
  require('../dist/src/entrypoints/admin/main.js');
}
