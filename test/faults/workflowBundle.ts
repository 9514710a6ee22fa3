// The workflow bundle the rig's worker processes load: the one `npm test`
// built (TEST_WORKFLOW_BUNDLE), or one built here when a file runs alone.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleAdWorkflowCode } from '../../src/temporal/workflowCode';

export async function workflowBundlePath(scratchDir: string): Promise<string> {
  if (process.env.TEST_WORKFLOW_BUNDLE) return process.env.TEST_WORKFLOW_BUNDLE;
  const { code } = await bundleAdWorkflowCode();
  const file = path.join(scratchDir, 'workflow-bundle.js');
  await writeFile(file, code);
  return file;
}
