// The console plugin on its own (no browser, no Temporal): which pages it
// serves to whom, with which headers, that every asset a page names exists,
// and that the page scripts never turn text into markup.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { consolePlugin } from '../../src/api/console/plugin';

const PUBLIC_DIR = path.join(__dirname, '../../src/api/console/public');
const PAGES = ['/', '/ads/spring-42', '/new', '/login'];

/** A server like the API's: `isAuthenticated` says whether the request carries the session. */
async function server(withSessionCheck = true): Promise<FastifyInstance> {
  const app = Fastify();
  if (withSessionCheck) app.decorate('isAuthenticated', async (request: FastifyRequest) => request.headers.cookie === 'vidu_session=good');
  await app.register(consolePlugin);
  return app;
}

test('pages without a session go to /login, remembering where they were going', async () => {
  const app = await server();
  for (const page of ['/', '/ads/spring-42', '/new?x=1']) {
    const answer = await app.inject(page);
    assert.equal(answer.statusCode, 303, page);
    assert.equal(answer.headers.location, `/login?next=${encodeURIComponent(page)}`);
  }
  assert.equal((await app.inject('/login')).statusCode, 200, 'the login page needs no session');
  await app.close();
});

test('pages with a session are HTML with a strict content security policy', async () => {
  const app = await server();
  for (const page of PAGES) {
    const answer = await app.inject({ url: page, headers: { cookie: 'vidu_session=good' } });
    assert.equal(answer.statusCode, 200, page);
    assert.match(String(answer.headers['content-type']), /^text\/html/);
    const csp = String(answer.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(answer.headers['x-content-type-options'], 'nosniff');
  }
  await app.close();
});

test('without the API server’s session check the pages are served and their scripts find out from the API', async () => {
  const app = await server(false);
  for (const page of PAGES) assert.equal((await app.inject(page)).statusCode, 200, page);
  await app.close();
});

test('every asset a page names is served from /console/, and nothing outside the public folder is', async () => {
  const app = await server(false);
  const named = new Set<string>();
  for (const page of PAGES) {
    const html = (await app.inject(page)).body;
    for (const [, url] of html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)) named.add(url!);
  }
  for (const file of (await readdir(PUBLIC_DIR)).filter((f) => f.endsWith('.js'))) {
    const source = await readFile(path.join(PUBLIC_DIR, file), 'utf8');
    for (const [, name] of source.matchAll(/from '\.\/([\w.-]+)'/g)) named.add(`/console/${name}`);
  }
  assert.ok(named.size >= 6, `pages, scripts and the stylesheet are named: ${[...named].join(', ')}`);
  for (const url of named) {
    const answer = await app.inject(url);
    assert.equal(answer.statusCode, 200, url);
    assert.match(String(answer.headers['content-type']), url.endsWith('.js') ? /^(text|application)\/javascript/ : /^text\/(css|html)/, url);
  }
  for (const url of ['/console/../plugin.ts', '/console/%2e%2e/plugin.ts', '/console/', '/console/missing.js']) {
    assert.notEqual((await app.inject(url)).statusCode, 200, url);
  }
  await app.close();
});

test('the page scripts build the DOM from text nodes, never from HTML strings', async () => {
  for (const file of (await readdir(PUBLIC_DIR)).filter((f) => f.endsWith('.js'))) {
    const source = await readFile(path.join(PUBLIC_DIR, file), 'utf8');
    assert.doesNotMatch(source, /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(/, file);
  }
});

test('every control that starts or steers an ad or campaign is marked with its permission, and the style hides each one a key lacks', async () => {
  const read = (name: string) => readFile(path.join(PUBLIC_DIR, name), 'utf8');
  // The pages as served: their top bars are put together by the plugin (src/api/console/pages.ts).
  const app = await server(false);
  const served = async (url: string) => (await app.inject(url)).body;
  const [ad, campaign, list, newAd] = await Promise.all(['/ads/spring-42', '/campaigns/spring', '/', '/new'].map(served));
  await app.close();
  const [takes, common, css] = await Promise.all(['adTakes.js', 'common.js', 'console.css'].map(read));
  assert.match(ad!, /<button id="approve"[^>]*data-needs="ads:approve"/);
  assert.match(ad!, /<details class="cancel" data-needs="ads:cancel">[\s\S]*<button id="cancel"/);
  assert.match(campaign!, /<button id="approve"[^>]*data-needs="campaigns:approve"/);
  assert.match(campaign!, /<details class="cancel" data-needs="campaigns:cancel">/);
  for (const [name, html] of [['ad.html', ad!], ['campaign.html', campaign!], ['list.html', list!]] as const) {
    for (const link of html.match(/<a href="\/new"[^>]*>/g) ?? []) assert.match(link, /data-needs="ads:start"/, `${name}: ${link}`);
  }
  assert.match(newAd!, /<form id="new-ad"[^>]*data-needs="ads:start"/);
  assert.match(takes!, /className: 'select'[^\n]*'data-needs': 'ads:select'/);
  assert.match(takes!, /className: 'edit-form', attrs: \{ 'data-needs': 'ads:edit' \}/);
  // The page asks the server which permissions the key has; each one the console uses is a real permission with a hiding rule.
  assert.match(common!, /api\('\/v1\/me'\)/);
  const used = JSON.parse(/const CONSOLE_PERMISSIONS = (\[[^\]]*\])/.exec(common!)![1]!.replace(/'/g, '"')) as string[];
  const { PERMISSIONS } = await import('../../src/api/permissions');
  for (const permission of used) {
    assert.ok((PERMISSIONS as readonly string[]).includes(permission), `${permission} is a permission of the API`);
    assert.ok(css!.includes(`body.lacks-${permission.replace(':', '-')} [data-needs~="${permission}"]`), `console.css hides ${permission}`);
  }
  assert.match(css!, /body:not\(\.permissions-known\) \[data-needs\]/, 'controls stay hidden until the permissions are known');
});
