// Compose's variable interpolation, the part docker-compose.yml uses:
// ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR?message} and
// $$ for a literal $. Lets the tests check what `docker compose up` would do
// with a given environment, e.g. refuse to start without VIDU_API_KEY.

export class MissingVariableError extends Error {
  constructor(
    readonly variable: string,
    readonly detail: string,
  ) {
    super(`required variable ${variable} is missing a value: ${detail}`);
  }
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g;

export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(REFERENCE, (match, name: string | undefined, colon: string | undefined, op: string | undefined, word: string | undefined) => {
    if (match === '$$') return '$';
    const value = env[name!];
    const unset = colon ? !value : value === undefined;
    if (op === '-') return unset ? word! : value!;
    if (op === '?') {
      if (unset) throw new MissingVariableError(name!, word!);
      return value!;
    }
    return value ?? '';
  });
}

/** Every string in a parsed compose document interpolated (keys stay as written, as compose leaves them). */
export function interpolateDocument<T>(doc: T, env: Record<string, string | undefined>): T {
  if (typeof doc === 'string') return interpolate(doc, env) as T;
  if (Array.isArray(doc)) return doc.map((item: unknown) => interpolateDocument(item, env)) as T;
  if (doc && typeof doc === 'object') {
    return Object.fromEntries(Object.entries(doc).map(([key, value]) => [key, interpolateDocument(value, env)])) as T;
  }
  return doc;
}

/** A `KEY=value` env file as compose reads it (comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at > 0) env[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return env;
}
