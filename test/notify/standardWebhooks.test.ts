// Standard Webhooks signing and verifying, the delivery verdicts and the
// notify-host rule. The fixed vector is the one Standard Webhooks publishes,
// recomputed here with node:crypto so the test does not trust the module.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { secretKey, sign, verify, webhookHeaders, WebhookVerificationError } from '../../src/notify/standardWebhooks';
import { notifyTargetProblem, verdictFor } from '../../src/notify/webhookDelivery';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';

describe('Standard Webhooks signatures', () => {
  it('signs the published vector as node:crypto computes it', () => {
    const independent = createHmac('sha256', Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64')).update(`${ID}.${TIMESTAMP}.${BODY}`).digest('base64');
    assert.equal(sign(SECRET, ID, TIMESTAMP, BODY), `v1,${independent}`);
    assert.equal(sign(SECRET, ID, TIMESTAMP, BODY), 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies what it signs and answers the webhook id', () => {
    const headers = webhookHeaders(SECRET, ID, BODY, TIMESTAMP);
    assert.equal(headers['webhook-timestamp'], String(TIMESTAMP));
    assert.equal(verify(SECRET, headers, BODY, { nowSeconds: TIMESTAMP + 10 }), ID);
    // Header names are matched case-insensitively; a list of signatures passes when one matches.
    const listed = { 'Webhook-Id': ID, 'Webhook-Timestamp': String(TIMESTAMP), 'Webhook-Signature': `v1,bm90IGl0 ${headers['webhook-signature']}` };
    assert.equal(verify(SECRET, listed, BODY, { nowSeconds: TIMESTAMP }), ID);
  });

  it('refuses a changed body, another secret, an old timestamp and missing headers', () => {
    const headers = webhookHeaders(SECRET, ID, BODY, TIMESTAMP);
    const at = { nowSeconds: TIMESTAMP };
    assert.throws(() => verify(SECRET, headers, BODY.replace('2', '3'), at), WebhookVerificationError);
    assert.throws(() => verify('whsec_' + Buffer.from('another secret of 24 byte').toString('base64'), headers, BODY, at), /no v1 signature matches/);
    assert.throws(() => verify(SECRET, headers, BODY, { nowSeconds: TIMESTAMP + 301 }), /webhook-timestamp/);
    assert.throws(() => verify(SECRET, { ...headers, 'webhook-id': 'msg_other' }, BODY, at), /no v1 signature matches/);
    assert.throws(() => verify(SECRET, { 'webhook-id': ID, 'webhook-timestamp': String(TIMESTAMP) }, BODY, at), /webhook-signature: header is missing/);
    assert.throws(() => verify(SECRET, { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') }, BODY, at), /no v1/);
  });

  it('reads the key from the base64 after "whsec_" and refuses a secret that is not base64', () => {
    assert.deepEqual(secretKey(SECRET), Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
    assert.throws(() => secretKey('whsec_not base64!'), /signing secret/);
  });
});

describe('webhook delivery rules', () => {
  it('delivers on 2xx, retries 408, 429 and 5xx, gives up on other answers', () => {
    assert.deepEqual([200, 204, 299].map(verdictFor), ['delivered', 'delivered', 'delivered']);
    assert.deepEqual([408, 429, 500, 503].map(verdictFor), ['retry', 'retry', 'retry', 'retry']);
    assert.deepEqual([301, 400, 401, 404, 410].map(verdictFor), ['give-up', 'give-up', 'give-up', 'give-up', 'give-up']);
  });

  it('refuses private and loopback hosts unless allowed', () => {
    assert.equal(notifyTargetProblem('https://hooks.example.com/ads', false), undefined);
    for (const url of ['http://127.0.0.1:9000/x', 'http://localhost/x', 'http://10.1.2.3/x', 'http://[::1]/x', 'http://192.168.0.5/x']) {
      assert.match(notifyTargetProblem(url, false) ?? '', /^notifyUrl: must be a public http\(s\) URL \(.* is a private or loopback address/, url);
      assert.equal(notifyTargetProblem(url, true), undefined, url);
    }
    assert.match(notifyTargetProblem('ftp://example.com/x', true) ?? '', /^notifyUrl: must be an absolute http\(s\) URL/);
  });

  it('refuses every address literal that is not global unicast, naming its range (not only a list of private ranges)', () => {
    for (const [url, range] of [
      ['http://100.64.0.1/x', 'carrierGradeNat'],
      ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
      ['http://192.0.0.8/x', 'reserved'],
      ['http://198.18.0.1/x', 'reserved'],
      ['http://224.0.0.1/x', 'multicast'],
      ['http://240.0.0.1/x', 'reserved'],
      ['http://255.255.255.255/x', 'broadcast'],
      ['http://[ff02::1]/x', 'multicast'],
      ['http://[::ffff:169.254.169.254]/x', 'ipv4Mapped linkLocal'],
      ['http://[64:ff9b::a9fe:a9fe]/x', 'rfc6052'],
      ['http://[2002:a9fe:a9fe::]/x', '6to4'],
      ['http://[::a9fe:a9fe]/x', 'ipv4Compatible'],
      ['http://app.localhost/x', 'loopback'],
    ] as const) {
      const problem = notifyTargetProblem(url, false) ?? '';
      assert.match(problem, /^notifyUrl: must be a public http\(s\) URL \(.* is a private or loopback address: range "/, url);
      assert.ok(problem.includes(`range "${range}"`) && problem.includes('NOTIFY_ALLOW_PRIVATE_HOSTS=true'), `${url}: ${problem}`);
      assert.equal(notifyTargetProblem(url, true), undefined, url);
    }
    for (const url of ['https://93.184.216.34/x', 'https://[2606:4700:4700::1111]/x', 'https://[::ffff:93.184.216.34]/x']) {
      assert.equal(notifyTargetProblem(url, false), undefined, url);
    }
  });
});
