// A campaign brief's rules and the order its variants start in (pure functions, no server).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { campaignInputProblems, expandVariants } from '../../src/workflows/campaign/variants';
import type { CampaignInput } from '../../src/workflows/campaign/contract';

const brief = (over: Partial<CampaignInput> = {}): CampaignInput => ({
  campaignId: 'spring',
  images: ['https://example.com/a.png'],
  prompt: 'a bottle',
  variants: { aspectRatios: ['16:9', '9:16', '1:1'], languages: ['en', 'zh'], durations: [15, 30] },
  ...over,
});

describe('campaign variants', () => {
  it('expands the matrix in its order, each variant with its key and ad id', () => {
    const variants = expandVariants(brief());
    assert.equal(variants.length, 12);
    assert.deepEqual(variants.slice(0, 3).map((v) => v.key), ['16x9-en-15s', '16x9-en-30s', '16x9-zh-15s']);
    assert.equal(variants[0]!.adId, 'spring.16x9-en-15s');
    assert.ok(variants.every((v) => v.state === 'waiting' && v.creditsSpent === 0));
  });

  it('starts higher priorities first and keeps the matrix order among equals', () => {
    const keys = expandVariants(brief({ priorities: { '1x1-zh-30s': 2, '9x16-en-15s': 1, '16x9-en-30s': -1 } })).map((v) => v.key);
    assert.deepEqual(keys.slice(0, 4), ['1x1-zh-30s', '9x16-en-15s', '16x9-en-15s', '16x9-zh-15s']);
    assert.equal(keys.at(-1), '16x9-en-30s');
  });

  it('accepts a good brief', () => {
    assert.deepEqual(campaignInputProblems(brief({ variantPrompts: { '16x9-zh-15s': '海滩上的瓶子' }, maxConcurrent: 3 })), []);
  });

  it('names every field that breaks a rule', () => {
    const problems = campaignInputProblems({
      campaignId: 'bad id!',
      images: [],
      variants: { aspectRatios: ['4:3'], languages: ['en', 'en'], durations: [5] },
      maxConcurrent: 0,
    });
    assert.deepEqual(problems, [
      'campaignId: must be 1-64 letters, digits, "-", "_" or "." (and not only dots)',
      'images: must hold 1 to 7 images',
      'variants.aspectRatios: each must be "16:9", "9:16" or "1:1"',
      'variants.languages: must not list a value twice',
      'variants.durations: each must be a whole number of seconds from 10 to 60',
      'maxConcurrent: must be a whole number from 1 to 100',
    ]);
  });

  it('refuses prompts and priorities for variants the brief does not have', () => {
    assert.deepEqual(campaignInputProblems(brief({ variantPrompts: { '4x3-en-15s': 'x' }, priorities: { '16x9-en-15s': 1.5 } })), [
      'variantPrompts.4x3-en-15s: is not a variant of this campaign (keys look like 16x9-en-15s)',
      'priorities.16x9-en-15s: must be a whole number',
    ]);
  });

  it('makes every variant of each product, the product in the key', () => {
    const products = [
      { productId: 'mug', images: ['https://example.com/mug.png'], prompt: 'a mug' },
      { productId: 'shoe', images: ['https://example.com/shoe.png'] },
    ];
    const input = brief({ images: undefined, products, variants: { aspectRatios: ['16:9'], languages: ['en', 'zh'], durations: [15] } });
    assert.deepEqual(campaignInputProblems(input), []);
    const variants = expandVariants(input);
    assert.deepEqual(variants.map((v) => v.key), ['mug-16x9-en-15s', 'mug-16x9-zh-15s', 'shoe-16x9-en-15s', 'shoe-16x9-zh-15s']);
    assert.deepEqual(variants.map((v) => v.productId), ['mug', 'mug', 'shoe', 'shoe']);
    assert.equal(variants[2]!.adId, 'spring.shoe-16x9-en-15s');
  });

  it('checks the budget: whole credits, each ad able to be made, the budget able to make one', () => {
    const short = brief({ variants: { aspectRatios: ['16:9'], languages: ['en'], durations: [10, 30] } });
    assert.deepEqual(campaignInputProblems({ ...short, budgetCredits: 1000, ads: { maxCredits: 450 } }), [
      'ads.maxCredits: must be at least 1201: creating a 30 s ad costs about 1200 credits and composing it 1 (got 450) (for the longest variant, 30 s)',
    ]);
    assert.deepEqual(campaignInputProblems({ ...short, budgetCredits: 300 }), ['budgetCredits: must be at least 401, what one ad is allotted (got 300)']);
    assert.deepEqual(campaignInputProblems({ ...short, budgetCredits: 12.5 }), ['budgetCredits: must be a positive whole number of credits, at most 100000000']);
    assert.deepEqual(campaignInputProblems({ ...short, budgetCredits: 5000, ads: { maxCredits: 1500 } }), []);
  });

  it('refuses products beside images, a product twice, and more variants than a campaign may hold', () => {
    const product = { productId: 'mug', images: ['https://example.com/mug.png'] };
    assert.deepEqual(campaignInputProblems(brief({ products: [product] })), ['images: give either images (one product) or products, not both']);
    assert.deepEqual(campaignInputProblems(brief({ images: undefined, products: [product, product] })), ['products: each productId must be different']);
    const durations = Array.from({ length: 51 }, (_, i) => 10 + i);
    const four = ['a', 'b', 'c', 'd'].map((productId) => ({ productId, images: product.images }));
    const large = brief({ images: undefined, products: four, variants: { aspectRatios: ['16:9', '9:16', '1:1'], languages: ['en', 'zh'], durations } });
    assert.deepEqual(campaignInputProblems(large), ['variants: 1224 combinations, at most 1000']);
  });
});
