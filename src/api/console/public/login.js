// /login: signs in with POST /v1/session (the API starts a session and sets
// the HttpOnly cookie to its id; the token stays out of the browser's storage)
// and goes on to the page the visitor came from. A sign-in link
// (`/login#code=...`, printed by the demo) carries a one-time code instead.
/* global document, history, location, URL, URLSearchParams */
import { api, errorText, showMessage } from './common.js';

const form = document.getElementById('login-form');
const token = document.getElementById('token');
const output = document.getElementById('login-error');

/**
 * Only a page of this console: an open redirect through ?next= would help
 * phishing. The URL parser decides, as the browser will: a check on the text
 * misses what the browser strips or rewrites ("/\t/evil.example" becomes
 * "//evil.example", "/\\host" becomes "//host").
 */
function nextPage() {
  const next = new URLSearchParams(location.search).get('next');
  if (!next) return '/';
  let url;
  try {
    url = new URL(next, location.origin);
  } catch {
    return '/';
  }
  return url.origin === location.origin && !url.pathname.startsWith('/login') ? url.pathname + url.search + url.hash : '/';
}

/** Why a sign-in was refused, in the visitor's words. */
function refusal(err, viaCode) {
  if (err.status === 429) return `Sign-in refused: ${err.message}.`;
  if (err.status !== 401) return errorText(err);
  return viaCode ? 'This sign-in link has been used already or has expired. Sign in with an API token.' : 'That token is not valid.';
}

async function signIn(credentials) {
  const button = form.querySelector('button');
  button.disabled = true;
  showMessage(output, '');
  try {
    await api('/v1/session', { method: 'POST', json: credentials });
    location.assign(nextPage());
  } catch (err) {
    showMessage(output, refusal(err, credentials.code !== undefined));
    token.select();
  } finally {
    button.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!token.value) {
    showMessage(output, 'Enter the API token.');
    token.focus();
    return;
  }
  void signIn({ token: token.value });
});

// A sign-in link (`/login#code=...`, printed by the demo) signs in by itself, once.
// The fragment never reaches a server or its logs; it is cleared at once.
const fromLink = new URLSearchParams(location.hash.slice(1)).get('code');
if (fromLink) {
  history.replaceState(null, '', location.pathname + location.search);
  void signIn({ code: fromLink });
}
