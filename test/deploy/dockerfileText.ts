// A small reader of Dockerfiles for the deploy tests (no Docker engine runs
// here): joins continued lines, drops comments and parser directives, and
// groups the instructions into build stages, with ARG defaults substituted
// into FROM as Docker does.

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string | undefined;
  image: string;
  instructions: Instruction[];
}

export function dockerfileInstructions(text: string): Instruction[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.trimEnd();
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const whole = (pending + line).trim();
    pending = '';
    if (whole) lines.push(whole);
  }
  return lines.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

export function dockerfileStages(text: string): Stage[] {
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of dockerfileInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.replace(/^--platform=\S+\s+/, '').split(/\s+/);
      const resolved = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => globalArgs.get((a ?? b)!) ?? '');
      stages.push({ name: as?.toUpperCase() === 'AS' ? name : undefined, image: resolved, instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [key = '', value = ''] = instruction.args.split('=');
      globalArgs.set(key, value);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** ENV in both forms: `ENV A=1 B=2` and the older `ENV A 1`. Quotes are not expected here. */
export function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const { keyword, args } of stage.instructions) {
    if (keyword !== 'ENV') continue;
    if (args.includes('=')) {
      for (const pair of args.split(/\s+/)) {
        const at = pair.indexOf('=');
        if (at > 0) env.set(pair.slice(0, at), pair.slice(at + 1));
      }
    } else {
      const [key = '', ...value] = args.split(/\s+/);
      env.set(key, value.join(' '));
    }
  }
  return env;
}

/** The arguments of an exec-form instruction (`["a", "b"]`), else the shell-form text as one item. */
export function execForm(args: string): string[] {
  const json = args.replace(/^(--\S+\s+)*/, '');
  return json.startsWith('[') ? (JSON.parse(json) as string[]) : [json];
}
