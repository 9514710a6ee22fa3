import path from 'node:path';

/** The repository root, wherever the project was cloned. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
