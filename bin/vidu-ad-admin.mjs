#!/usr/bin/env node
// The `vidu-ad-admin` command: runs the admin tool's TypeScript source through
// tsx's CommonJS hook, in this same process (no build step, no child process).
import { createRequire } from 'node:module';
import { register } from 'tsx/cjs/api';

register();
createRequire(import.meta.url)('../src/entrypoints/admin/main.ts');
