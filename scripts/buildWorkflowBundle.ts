// `npm run build`: bundles the workflow code once, ahead of time, into
// dist/workflow-bundle.js (the container image builds it at image build time).
// A worker given this file starts without webpack, and the replay test
// (test/deploy/workflowBundle.test.ts) checks the very same build against the
// recorded histories, so what ships is what was checked.
// The SDK inlines the source map into the code, so there is no separate map file.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_WORKFLOW_BUNDLE_PATH, runMain } from '../src/config';
import { bundleAdWorkflowCode } from '../src/temporal/workflowCode';

/** Bundles src/workflows into `outPath` (folders made as needed); returns the bundle's size in bytes. */
export async function buildWorkflowBundle(outPath: string): Promise<number> {
  const { code } = await bundleAdWorkflowCode();
  mkdirSync(path.dirname(outPath), { recursive: true });
  writeFileSync(outPath, code);
  return Buffer.byteLength(code);
}

if (require.main === module) {
  runMain(async () => {
    const outPath = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_WORKFLOW_BUNDLE_PATH;
    const started = Date.now();
    const bytes = await buildWorkflowBundle(outPath);
    console.log(`workflow bundle written to ${path.relative(process.cwd(), outPath) || outPath} (${Math.round(bytes / 1024)} KiB, ${Date.now() - started} ms)`);
  });
}
