// The OpenAPI document tells the truth: what /openapi.json declares is what the
// API answers. Forged page tokens are refused at once, undeclared methods on a
// known path get 405 with Allow, and every route's refusals (status code and
// content type) are in the document.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { API_TOKEN, openApiRig, type ApiRig } from './apiRig';
import { apiClient, type ApiClient } from './httpClient';

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
  let rig: ApiRig;
  let api: ApiClient;
  before(async () => {
    rig = await openApiRig();
    api = apiClient(rig.url, API_TOKEN);
  });
  after(async () => {
    await rig?.close();
  });

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
});
