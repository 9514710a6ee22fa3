// What every console page shares: calls to the /v1 API with the session
// cookie, a way back to /login when the API says 401, and a
// small DOM builder. Texts from the API only ever become text nodes here:
// prompts and ids are user input and must never be parsed as HTML.
/* global document, location, fetch */

export const STAGES = ['creating', 'generating', 'reading', 'editing', 'review', 'composing', 'saving', 'done', 'failed', 'cancelled'];
export const FINISHED_STAGES = ['done', 'failed', 'cancelled'];

/** An answer of the API that is not a success, with the API's own code, message and field. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** Sends the browser to the login page, coming back here afterwards. */
export function goToLogin() {
  location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/**
 * Calls the API: `json` is sent as a JSON body, `form` as multipart. Resolves
 * with the parsed answer (undefined for 204); rejects with an ApiError that
 * carries the API's message. A 401 also starts the way to /login.
 */
export async function api(path, { method = 'GET', json, form } = {}) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form; // the browser sets the multipart boundary itself
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'NetworkError', `The API could not be reached (${err.message}).`);
  }
  if (response.status === 401 && !path.startsWith('/v1/session')) goToLogin();
  if (response.status === 204) return undefined;
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = body && typeof body === 'object' ? body.error : undefined;
    throw new ApiError(response.status, error?.code ?? `HTTP${response.status}`, error?.message ?? `The API answered ${response.status} ${response.statusText}.`, error?.field);
  }
  return body;
}

/**
 * Builds an element. `props` are set as properties (className, textContent,
 * type, ...) except `attrs`, set as attributes; children are nodes or
 * strings (strings become text nodes).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  const { attrs, ...rest } = props;
  Object.assign(node, rest);
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, String(value));
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Sets an element's text only when it differs, so screen readers and selections are not disturbed for nothing. */
export function setText(node, text) {
  const value = text ?? '';
  if (node.textContent !== value) node.textContent = value;
}

/** Shows the API's refusal (or a success note) in the output next to a control. */
export function showMessage(output, message, kind = 'error') {
  output.classList.toggle('error', kind === 'error');
  output.classList.toggle('ok', kind === 'ok');
  setText(output, message);
}

export function errorText(err) {
  if (err instanceof ApiError) return err.status ? `${err.message} (${err.status} ${err.code})` : err.message;
  return String(err?.message ?? err);
}

export function formatTime(value) {
  if (value === undefined || value === null || value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function formatCredits(value) {
  return typeof value === 'number' ? value.toLocaleString() : '–';
}

/**
 * An ad's credits as its budget sees them: "600 spent · 1 reserved · 601
 * estimated · budget 700 (99 left)". Statuses from workers older than budgets
 * have no `credits`: the spent figure alone.
 */
export function formatCreditsStatus(status) {
  const credits = status.credits;
  if (!credits) return `${formatCredits(status.creditsSpent)} spent`;
  const parts = [`${formatCredits(credits.spent)} spent`, `${formatCredits(credits.reserved)} reserved`, `${formatCredits(credits.estimated)} estimated`];
  if (typeof credits.limit === 'number') parts.push(`budget ${formatCredits(credits.limit)} (${formatCredits(Math.max(0, credits.limit - credits.spent - credits.reserved))} left)`);
  if (credits.overrun > 0) parts.push(`${formatCredits(credits.overrun)} over the estimates`);
  return parts.join(' · ');
}

/** Sets a media element's source only when it changed: assigning the same src again would restart playback. */
export function setSource(media, url) {
  if (url && media.getAttribute('src') !== url) media.setAttribute('src', url);
}

/** The media route of a file in the ad's folder of the artifact store. */
export function mediaUrl(adId, relativePath) {
  const parts = String(relativePath).split('/').map(encodeURIComponent).join('/');
  return `/v1/ads/${encodeURIComponent(adId)}/media/${parts}`;
}

/** Every permission a control of the console may need (see `data-needs` in the pages and src/api/permissions.ts). */
const CONSOLE_PERMISSIONS = ['ads:start', 'ads:edit', 'ads:select', 'ads:approve', 'ads:cancel', 'campaigns:start', 'campaigns:edit', 'campaigns:approve', 'campaigns:cancel'];

/**
 * Shows only the controls the signed-in key may use: asks GET /v1/me for its role and
 * permissions, marks the page `lacks-<permission>` for each one it lacks (console.css hides every
 * `[data-needs~="<permission>"]` then) and names the key and role in the header. Until the answer
 * comes every such control stays hidden. The API refuses what the role lacks whatever the page shows.
 */
export async function applyPermissions() {
  let me;
  try {
    me = await api('/v1/me');
  } catch {
    return undefined; // a 401 is on its way to /login; anything else leaves the controls hidden
  }
  const granted = new Set(me.permissions ?? []);
  for (const permission of CONSOLE_PERMISSIONS) document.body.classList.toggle(`lacks-${permission.replace(':', '-')}`, !granted.has(permission));
  document.body.classList.add('permissions-known');
  const nav = document.querySelector('header nav');
  if (nav && !nav.querySelector('.signed-in-as')) nav.prepend(el('span', { className: 'signed-in-as hint', textContent: `${me.name} (${me.role})` }), ' ');
  return me;
}

/** Wires the header's log-out button (every page has one, except the login page), and shows the controls the key may use. */
export function wireLogout() {
  void applyPermissions();
  const button = document.getElementById('logout');
  button?.addEventListener('click', async () => {
    try {
      await api('/v1/session', { method: 'DELETE' });
    } finally {
      location.assign('/login');
    }
  });
}
