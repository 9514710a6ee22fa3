// /new: starts an ad with POST /v1/ads as multipart (the images go as file
// parts), then opens its page. The API checks everything; this page checks
// only what it can say sooner (id shape, image count and types) and shows
// every refusal next to the field it names. The ad id is the idempotency
// key: a submission whose answer was lost is sent again with the same id, and
// the API's "already exists" then means the first try got through. An id that
// was already taken before is said so on the form, not opened silently.
/* global document, location, FormData, crypto */
import { api, el, errorText, showMessage, wireLogout } from './common.js';
import { isDefiniteAnswer } from './requestIds.js';

const AD_ID = /^[\w.-]{1,128}$/;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];

const form = document.getElementById('new-ad');
const adId = document.getElementById('adId');
const images = document.getElementById('images');
const review = document.getElementById('review');
const reviewMinutes = document.getElementById('reviewWindowMinutes');
const formError = document.getElementById('form-error');
const fieldOutputs = new Map([...form.querySelectorAll('output[data-field]')].map((o) => [o.dataset.field, o]));

function randomAdId() {
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
  const suffix = Array.from(crypto.getRandomValues(new Uint8Array(3)), (b) => b.toString(16).padStart(2, '0')).join('');
  // "console-": the ad's workflow id is then "ad-console-...", never the ambiguous "ad-ad-...".
  return `console-${day}-${suffix}`;
}

/** The form's output for a field the API named ("review.windowMs", "images[0]", "reviewWindowMs" ...). */
function outputFor(field) {
  if (!field) return formError;
  const head = String(field).split(/[.[:]/)[0];
  if (head === 'reviewWindowMs') return fieldOutputs.get('review');
  return fieldOutputs.get(head) ?? formError;
}

function clearErrors() {
  for (const output of fieldOutputs.values()) showMessage(output, '');
  showMessage(formError, '');
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

function fail(field, message) {
  const output = outputFor(field);
  showMessage(output, message);
  const input = document.getElementById(output.dataset.field === 'review' ? 'reviewWindowMinutes' : (output.dataset.field ?? ''));
  input?.setAttribute('aria-invalid', 'true');
  return false;
}

function checkLocally() {
  let ok = true;
  if (!AD_ID.test(adId.value) || /^\.+$/.test(adId.value)) ok = fail('adId', 'adId: must be 1-128 letters, digits, "-", "_" or "." (and not only dots)');
  const files = [...images.files];
  if (files.length < 1 || files.length > 7) ok = fail('images', 'images: choose 1 to 7 images');
  else if (files.some((f) => !IMAGE_TYPES.includes(f.type))) ok = fail('images', 'images: each must be a PNG, JPEG or WebP image');
  if (review.checked && !(Number(reviewMinutes.value) >= 1)) ok = fail('review', 'review window: must be at least 1 minute');
  return ok;
}

function formBody() {
  const body = new FormData();
  body.append('adId', adId.value);
  for (const file of images.files) body.append('images', file, file.name);
  for (const name of ['prompt', 'duration', 'aspectRatio', 'language']) {
    const value = form.elements[name].value.trim();
    if (value !== '') body.append(name, value);
  }
  body.append('review', review.checked ? 'true' : 'false');
  if (review.checked) body.append('reviewWindowMs', String(Math.round(Number(reviewMinutes.value) * 60_000)));
  return body;
}

/** The ad id of a submission the API has not answered definitely (a lost answer): a retry with it may find the ad made. */
let unansweredAdId;

/** Says on the form that the id is taken, with a link to the ad that has it. */
function showTaken(id) {
  const output = fieldOutputs.get('adId');
  showMessage(output, '');
  output.append('An ad with this id already exists: ', el('a', { href: `/ads/${encodeURIComponent(id)}`, textContent: 'open it?' }), ' Or choose another id to start a new one.');
  adId.setAttribute('aria-invalid', 'true');
}

adId.value = randomAdId();
review.addEventListener('change', () => {
  reviewMinutes.disabled = !review.checked;
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors();
  if (!checkLocally()) return;
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  showMessage(formError, 'Starting…', 'ok');
  const id = adId.value;
  try {
    const answer = await api('/v1/ads', { method: 'POST', form: formBody() });
    const ours = answer?.created !== false || unansweredAdId === id;
    unansweredAdId = undefined;
    if (ours) return location.assign(`/ads/${encodeURIComponent(answer?.adId ?? id)}`);
    showMessage(formError, '');
    showTaken(id);
    button.disabled = false;
  } catch (err) {
    unansweredAdId = isDefiniteAnswer(err) ? undefined : id;
    showMessage(formError, '');
    // The API names the field in `field`, or at the start of its message ("prompt: ...").
    const field = err.field ?? /^([\w]+)[.[:]/.exec(err.message ?? '')?.[1];
    fail(field, errorText(err));
    button.disabled = false;
  }
});
wireLogout();
