// Where the project is: its root folder, found from this file, so paths hold whether the code runs from src/ (tsx) or dist/ (the build).
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The nearest folder at or above `start` that holds a package.json: the
 * repository root, wherever the project was cloned, whether this code runs
 * from its TypeScript source (src/temporal) or compiled (dist/src/temporal, as
 * in the container image, whose /app holds package.json).
 */
export function findProjectRoot(start: string): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json at or above ${start}: cannot tell where the project is`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
