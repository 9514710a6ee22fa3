// The addresses the demo prints: where to watch the ad while it runs, what
// stays up with --keep-running, and, at the end, that the links are gone
// once the demo has stopped (and how to keep them).

export interface DemoLinks {
  /** Temporal's Web UI (undefined when the demo did not start the server). */
  webUi?: string;
  /** The ad's page in the Web UI. */
  workflow?: string;
  /** The review console (see ./reviewConsole.ts): the ad's sign-in link once the ad has started. */
  reviewConsole?: string;
  simulator?: string;
  receiver?: string;
}

export const KEEP_RUNNING_COMMAND = 'npm run demo -- --keep-running';

/** "label: url" lines for the links that exist, labels aligned. */
function linkLines(links: DemoLinks): string[] {
  const named: Array<[string, string | undefined]> = [
    ['Temporal Web UI', links.webUi],
    ['the ad in the Web UI', links.workflow],
    ['review console', links.reviewConsole],
    ['Vidu simulator', links.simulator],
    ['webhook receiver', links.receiver],
  ];
  const present = named.filter((entry): entry is [string, string] => entry[1] !== undefined);
  const width = Math.max(0, ...present.map(([label]) => label.length));
  return present.map(([label, url]) => `  ${`${label}:`.padEnd(width + 1)} ${url}`);
}

/** Printed once the ad is done under --keep-running: what is still up and how to stop it. */
export function keepRunningLines(links: DemoLinks): string[] {
  return [
    'Everything keeps running (Temporal, its Web UI, the simulator, the receiver and the worker):',
    ...linkLines(links),
    'Press Ctrl-C to stop it all.',
  ];
}

/** The demo's last lines. Without --keep-running they say that the links printed above no longer answer, and how to keep them. */
export function closingLines(keptRunning: boolean, links: DemoLinks): string[] {
  const gone = [links.webUi && 'Web UI', links.reviewConsole && 'review console'].filter(Boolean);
  if (keptRunning || gone.length === 0) return ['Demo finished; everything it started has been stopped.'];
  const what = gone.length === 1 ? `the ${gone[0]} link above no longer answers` : `the ${gone.join(' and ')} links above no longer answer`;
  return [
    `Demo finished; everything it started has been stopped, so ${what}.`,
    `To keep Temporal, its Web UI and the rest up after the ad (until Ctrl-C), run: ${KEEP_RUNNING_COMMAND}`,
  ];
}
