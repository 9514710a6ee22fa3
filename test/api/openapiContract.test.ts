// The OpenAPI document tells the truth: what /openapi.json declares is what the
// API answers. Forged page tokens are refused at once, undeclared methods on a
// known path get 405 with Allow, and every route's refusals (status code and
// content type) are in the document.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';
import { API_TOKEN, suiteApiRig } from './apiRig';

interface RawAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Any method, sent as it is (fetch refuses TRACE and CONNECT). */
function rawRequest(url: string, method: string, rawPath: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: rawPath, headers: { authorization: `Bearer ${API_TOKEN}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the OpenAPI contract', () => {
  const { rig, http: api } = suiteApiRig();

  it('refuses a forged pageToken at once with 400 naming the field', async () => {
    // Well-formed base64url that Temporal never issued: random bytes, JSON of the wrong shape, a truncated real-looking token.
    const forged = [
      Buffer.from('not a token at all').toString('base64url'),
      Buffer.from('{"CloseTime":"yesterday"}').toString('base64url'),
      Buffer.from([0, 1, 2, 3, 250, 251, 252]).toString('base64url'),
      'AAAA',
    ];
    for (const token of forged) {
      const started = Date.now();
      const response = await api.call('GET', `/v1/ads?pageToken=${token}`);
      const tookMs = Date.now() - started;
      assert.equal(response.status, 400, `pageToken ${token}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, 'pageToken');
      assert.match(response.body.error.message, /^pageToken: /);
      assert.ok(tookMs < 2_000, `pageToken ${token} took ${tookMs} ms`);
    }
  });

  it('answers 405 with Allow for a method the path does not declare', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['TRACE', '/v1/ads', ['GET', 'HEAD', 'POST']],
      ['DELETE', '/v1/ads', ['GET', 'HEAD', 'POST']],
      ['PUT', '/v1/ads/some-ad', ['GET', 'HEAD']],
      ['QUERY', '/v1/ads/some-ad', ['GET', 'HEAD']],
      ['QUERY', '/v1/ads/some-ad/events', ['GET', 'HEAD']],
      ['PATCH', '/v1/ads/some-ad/media/final.mp4', ['GET', 'HEAD']],
      ['GET', '/v1/ads/some-ad/approve', ['POST']],
      ['TRACE', '/v1/campaigns', ['POST']],
      ['QUERY', '/v1/campaigns/c-1', ['GET', 'HEAD']],
      ['TRACE', '/v1/me', ['GET', 'HEAD']],
      ['TRACE', '/v1/session', ['DELETE', 'POST']],
      ['PUT', '/v1/session', ['DELETE', 'POST']],
    ];
    for (const [method, path, allowed] of cases) {
      const response = await rawRequest(rig.url, method, path);
      assert.equal(response.status, 405, `${method} ${path}: ${response.body}`);
      const allow = String(response.headers.allow ?? '').split(/,\s*/).sort();
      assert.deepEqual(allow, allowed, `${method} ${path}: Allow`);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      const body = JSON.parse(response.body) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'MethodNotAllowed');
      assert.match(body.error.message, new RegExp(`${method} `));
    }
    // Without a token, too: which methods a path takes is no secret, and no 401 hides it.
    const anonymous = await rawRequest(rig.url, 'DELETE', '/v1/ads', { authorization: '' });
    assert.equal(anonymous.status, 405);
    // An unknown path is still a 404, whatever the method.
    assert.equal((await rawRequest(rig.url, 'GET', '/v1/nothing-here')).status, 404);
    assert.equal((await rawRequest(rig.url, 'TRACE', '/v1/nothing-here')).status, 404);
  });

  it('says that sign-in takes a token or a code, not both, as the route does', async () => {
    const doc = (await (await fetch(`${rig.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { oneOf?: unknown } }> } }>>;
    };
    const schema = doc.paths['/v1/session']!.post!.requestBody!.content['application/json']!.schema;
    assert.deepEqual(schema.oneOf, [{ required: ['token'] }, { required: ['code'] }]);
    const both = await fetch(`${rig.url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'x', code: 'A'.repeat(43) }) });
    assert.equal(both.status, 400);
  });

  it('declares every status and content type a route answers, errors as JSON everywhere', async () => {
    type Operation = { requestBody?: { required?: boolean }; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> };
    const doc = (await (await fetch(`${rig.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        const codes = Object.keys(operation.responses);
        if (path.startsWith('/v1/') && path !== '/v1/session') assert.ok(codes.includes('401'), `${where} declares 401`);
        if (method === 'post') for (const code of ['400', '413', '415']) assert.ok(codes.includes(code), `${where} declares ${code}`);
        for (const code of codes.filter((c) => Number(c) >= 400)) {
          assert.deepEqual(Object.keys(operation.responses[code]!.content ?? {}), ['application/json'], `${where} ${code} is JSON`);
        }
      }
    }
    const events = doc.paths['/v1/ads/{adId}/events']!.get!;
    assert.deepEqual(Object.keys(events.responses['200']!.content!), ['text/event-stream']);
    assert.deepEqual((events.responses['200']!.content!['text/event-stream']!.schema.properties as Record<string, unknown>).event, { type: 'string', enum: ['status', 'end'] });
    const media = doc.paths['/v1/ads/{adId}/media/{*}']!.get!;
    for (const code of ['200', '206', '304', '416']) assert.ok(media.responses[code], `media declares ${code}`);
    // approve and cancel take no body at all; the others need one.
    assert.equal(doc.paths['/v1/ads/{adId}/approve']!.post!.requestBody!.required, false);
    assert.equal(doc.paths['/v1/ads/{adId}/cancel']!.post!.requestBody!.required, false);
    assert.equal(doc.paths['/v1/ads/{adId}/edits']!.post!.requestBody!.required, true);
    // The campaign brief is a closed object of what a caller may set.
    const brief = (doc.paths['/v1/campaigns']!.post!.requestBody as unknown as { content: Record<string, { schema: { additionalProperties: boolean; properties: Record<string, unknown> } }> }).content['application/json']!.schema;
    assert.equal(brief.additionalProperties, false);
    assert.equal(brief.properties.continued, undefined);
    assert.ok(brief.properties.variants);
    // A start links to the operations on what it started.
    const links = (doc.paths['/v1/ads']!.post!.responses['201'] as unknown as { links: Record<string, { operationRef: string; parameters: Record<string, string> }> }).links;
    assert.deepEqual(links.postV1AdsAdIdApprove, { operationRef: '#/paths/~1v1~1ads~1{adId}~1approve/post', parameters: { adId: '$response.body#/adId' } });
  });

  it('refuses images not written as an http(s) URL or data:image URI (what the document states), naming the field', async () => {
    for (const image of ['https:images.invalid/a.png', '\u0001https://images.invalid/a.png', 'HTTP://images.invalid/a.png', 'https://images.invalid/a b.png', 'stored:some-other-ad/images/0.png']) {
      const response = await api.call('POST', '/v1/ads', { adId: `contract-image-${process.pid}-${Date.now().toString(36)}`, images: [image] });
      assert.equal(response.status, 400, `${JSON.stringify(image)}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, 'images[0]');
    }
    const doc = (await (await fetch(`${rig.url}/openapi.json`)).json()) as { paths: Record<string, { post: { requestBody: { content: Record<string, { schema: { properties: { images: { items: { pattern: string } } } } }> } } }> };
    const pattern = new RegExp(doc.paths['/v1/ads']!.post.requestBody.content['application/json']!.schema.properties.images.items.pattern);
    assert.ok(pattern.test('https://images.invalid/a.png') && !pattern.test('https:images.invalid/a.png'), 'the document states the same rule');
  });

  it('reads an ad id of up to 128 characters (no 414 for ids over 100)', async () => {
    const longId = 'a'.repeat(128);
    const response = await api.call('GET', `/v1/ads/${longId}`);
    assert.equal(response.status, 404, JSON.stringify(response.body));
    const tooLong = await api.call('GET', `/v1/ads/${'a'.repeat(129)}`);
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.error.field, 'adId');
  });

  it('refuses a media path whose segment no file system could hold with 400, not 500', async () => {
    // An ad that exists: the path reaches the store (an unknown ad is a 404 before that).
    const adId = `contract-media-${process.pid}-${Date.now().toString(36)}`;
    assert.equal((await api.call('POST', '/v1/ads', { adId, images: ['https://images.invalid/a.png'] })).status, 201);
    const response = await api.call('GET', `/v1/ads/${adId}/media/${'a'.repeat(300)}`);
    assert.equal(response.status, 400, JSON.stringify(response.body));
    assert.equal(response.body.error.field, 'path');
  });

  it('reads a multipart form whose object fields come as application/json parts, and refuses an unreadable form with 400', async () => {
    const boundary = 'contract-boundary-19';
    const part = (name: string, value: string, type?: string) =>
      `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n${type ? `content-type: ${type}\r\n` : ''}\r\n${value}\r\n`;
    const adId = `contract-form-${process.pid}-${Date.now().toString(36)}`;
    const body =
      part('adId', adId) +
      part('images', 'https://images.invalid/a.png') +
      part('polling', JSON.stringify({ initialMs: 1_000, maxMs: 2_000 }), 'application/json') +
      part('review', JSON.stringify({ enabled: true, windowMs: 60_000, onTimeout: 'fail' }), 'application/json') +
      `--${boundary}--\r\n`;
    const started = await fetch(`${rig.url}/v1/ads`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    assert.equal(started.status, 201, await started.clone().text());
    const status = await api.call('GET', `/v1/ads/${adId}`);
    assert.equal(status.status, 200);
    await api.call('POST', `/v1/ads/${adId}/cancel`, { reason: 'test over' });

    const noBoundary = await fetch(`${rig.url}/v1/ads`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'multipart/form-data' }, body: '{"adId":"x"}' });
    assert.equal(noBoundary.status, 400);
    assert.match(((await noBoundary.json()) as { error: { message: string } }).error.message, /multipart/);
    const brokenJson = part('adId', 'x') + part('polling', '{not json', 'application/json') + `--${boundary}--\r\n`;
    const refused = await fetch(`${rig.url}/v1/ads`, { method: 'POST', headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: brokenJson });
    assert.equal(refused.status, 400);
  });

  it('refuses campaign fields a caller may not set (continued, unknown ones) and an empty data URI with 400 naming the field, not 500', async () => {
    const brief = { campaignId: `contract-c-${process.pid}-${Date.now().toString(36)}`, images: ['https://images.invalid/a.png'], variants: { aspectRatios: ['16:9'], languages: ['en'], durations: [10] } };
    for (const field of ['continued', 'colour']) {
      const response = await api.call('POST', '/v1/campaigns', { ...brief, [field]: field === 'continued' ? { runNumber: 9 } : 'someone' });
      assert.equal(response.status, 400, `${field}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.error.field, field);
    }
    // An empty data URI reached the store before the brief's images were checked: a 500.
    for (const image of ['data:image/png;base64,', 'data:image/png;base64,0', 'data:image/png;base64,\u0001\u0097Hs6']) {
      const empty = await api.call('POST', '/v1/campaigns', { ...brief, images: [image] });
      assert.equal(empty.status, 400, `${JSON.stringify(image)}: ${JSON.stringify(empty.body)}`);
      assert.equal(empty.body.error.field, 'images[0]');
    }
    assert.equal((await api.call('GET', `/v1/campaigns/${brief.campaignId}`)).status, 404, 'nothing was started');
  });
});
