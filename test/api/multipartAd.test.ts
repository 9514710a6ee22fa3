// readMultipartAd on its own, with the parts a form would bring: names that
// every object has through its prototype are unknown fields (not repeats), and
// each multipart limit is reported with its own number.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { MULTIPART_LIMITS, readMultipartAd } from '../../src/api/multipartAd';

type Part = { fieldname: string; type: 'field'; value: string; valueTruncated: boolean };

/** A request whose parts are these text fields, then `failure` thrown (as the plugin throws at a limit). */
function formRequest(fields: Array<[string, string]>, failure?: { code: string }): FastifyRequest {
  return {
    async *parts() {
      for (const [fieldname, value] of fields) yield { fieldname, type: 'field', value, valueTruncated: false } satisfies Part;
      if (failure) throw Object.assign(new Error(failure.code), failure);
    },
  } as unknown as FastifyRequest;
}

async function refusal(request: FastifyRequest): Promise<{ field?: string; message: string }> {
  try {
    await readMultipartAd(request);
  } catch (err) {
    return err as { field?: string; message: string };
  }
  throw new Error('the form was accepted');
}

describe('a multipart ad request', () => {
  it('calls a field named like an object property unknown, not given twice', async () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const err = await refusal(formRequest([['adId', 'a-1'], [name, 'x']]));
      assert.equal(err.field, name);
      assert.equal(err.message, `${name}: is not a field of an ad request`);
    }
    const twice = await refusal(formRequest([['adId', 'a-1'], ['prompt', 'x'], ['prompt', 'y']]));
    assert.equal(twice.message, 'prompt: is given more than once');
  });

  it('reports the text-field limit and the parts limit each with its own number', async () => {
    const fields = await refusal(formRequest([['adId', 'a-1']], { code: 'FST_FIELDS_LIMIT' }));
    assert.match(fields.message, new RegExp(`at most ${MULTIPART_LIMITS.fields}\\b`));
    const parts = await refusal(formRequest([['adId', 'a-1']], { code: 'FST_PARTS_LIMIT' }));
    assert.match(parts.message, new RegExp(`at most ${MULTIPART_LIMITS.parts} text fields and files together`));
    assert.notEqual(MULTIPART_LIMITS.fields, MULTIPART_LIMITS.parts);
  });
});
