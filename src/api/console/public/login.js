// /login: checks the token with POST /v1/session (which sets the HttpOnly
// session cookie) and goes on to the page the visitor came from.
/* global document, location, URLSearchParams */
import { api, errorText, showMessage } from './common.js';

const form = document.getElementById('login-form');
const token = document.getElementById('token');
const output = document.getElementById('login-error');

/** Only a path on this site: an open redirect through ?next= would help phishing. */
function nextPage() {
  const next = new URLSearchParams(location.search).get('next');
  // "//host" and "/\host" would leave the site.
  return next && /^\/(?![/\\])/.test(next) && !next.startsWith('/login') ? next : '/';
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
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
});
