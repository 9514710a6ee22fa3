// /login: checks the token with POST /v1/session (which sets the HttpOnly
// session cookie) and goes on to the page the visitor came from.
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

async function signIn() {
  if (!token.value) {
    showMessage(output, 'Enter the API token.');
    token.focus();
    return;
  }
  const button = form.querySelector('button');
  button.disabled = true;
  showMessage(output, '');
  try {
    await api('/v1/session', { method: 'POST', json: { token: token.value } });
    location.assign(nextPage());
  } catch (err) {
    showMessage(output, err.status === 401 ? 'That token is not valid.' : errorText(err));
    token.select();
  } finally {
    button.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn();
});

// A sign-in link (`/login#token=...`, printed by the demo) fills the form and
// sends it. The fragment never reaches a server or its logs; it is cleared at once.
const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromLink) {
  history.replaceState(null, '', location.pathname + location.search);
  token.value = fromLink;
  void signIn();
}
