// The test's HTTP client, written with fetch alone (no project code): what
// any other service or a browser would do against the API.

export interface ApiClient {
  url: string;
  // The body is whatever JSON came back; tests read its fields as they please.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  events(path: string): Promise<EventStream>;
}

export interface ServerEvent {
  event: string;
  data: string;
}

export interface EventStream {
  status: number;
  contentType: string | null;
  /** The next event (comments are counted, not returned); undefined when the stream has ended. */
  next(timeoutMs?: number): Promise<ServerEvent | undefined>;
  /** Reads until an event satisfies `predicate`; throws when the stream ends or time runs out first. */
  until(predicate: (e: ServerEvent) => boolean, what: string, timeoutMs?: number): Promise<ServerEvent>;
  comments(): number;
  close(): void;
}

export function apiClient(url: string, token: string): ApiClient {
  const auth = { authorization: `Bearer ${token}` };
  return {
    url,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...auth, ...headers } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
      const response = await fetch(`${url}${path}`, init);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: the text as it is
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    events: (path) => openEventStream(`${url}${path}`, auth),
  };
}

export async function openEventStream(url: string, headers: Record<string, string>): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' }, signal: abort.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let comments = 0;
  let ended = false;

  const readBlock = async (): Promise<string | undefined> => {
    for (;;) {
      const at = buffer.indexOf('\n\n');
      if (at >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        return block;
      }
      if (ended) return undefined;
      const chunk = await reader.read();
      if (chunk.done) ended = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  };

  const next = async (timeoutMs = 30_000): Promise<ServerEvent | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      for (;;) {
        const block = await Promise.race([readBlock(), timeout]);
        if (block === undefined) return undefined;
        const lines = block.split('\n');
        if (lines.every((l) => l.startsWith(':'))) {
          comments += 1;
          continue;
        }
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (!lines.some((l) => l.startsWith('data: '))) continue; // e.g. the retry: line
        return { event, data };
      }
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    next,
    async until(predicate, what, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const event = await next(Math.max(1, deadline - Date.now()));
        if (!event) throw new Error(`the stream ended before ${what}`);
        if (predicate(event)) return event;
      }
    },
    comments: () => comments,
    close: () => abort.abort(),
  };
}
