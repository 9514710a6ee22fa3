// How configuration problems are reported: each wrong setting is one
// ConfigError naming the setting and its rule; one start-up collects them all.
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly rule: string,
  ) {
    super(`${setting}: ${rule}`);
    this.name = 'ConfigError';
  }
}

/**
 * Every wrong setting found by `loadConfig`, in the order it reads them (a
 * fixed order, so the same mistakes always read the same). It is a
 * ConfigError itself: with one problem its setting, rule and message are that
 * problem's; with several, the message has one line per setting.
 */
export class ConfigErrors extends ConfigError {
  constructor(readonly problems: readonly ConfigError[]) {
    super(problems.map((p) => p.setting).join(', '), problems.map((p) => p.rule).join('; '));
    this.message = problems.map((p) => p.message).join('\n');
    this.name = 'ConfigErrors';
  }
}

/**
 * Collects the problems of one `loadConfig`: each setting's reader runs
 * through `read`, which records a ConfigError and carries on with a stand-in
 * value, so that one start-up names every wrong setting.
 */
export class Problems {
  readonly found: ConfigError[] = [];

  read<T>(fallback: T, reader: () => T): T {
    try {
      return reader();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.found.push(err);
      return fallback;
    }
  }

  add(problem: ConfigError): void {
    this.found.push(problem);
  }

  throwIfAny(): void {
    if (this.found.length > 0) throw new ConfigErrors(this.found);
  }
}

export type Env = Record<string, string | undefined>;
