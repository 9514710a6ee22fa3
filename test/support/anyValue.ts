// For property tests: any value at all, including the ones JSON cannot carry
// (bigint, Map, Set, sparse arrays, boxed values, null prototypes), since a
// hostile or careless caller is not bound to JSON.
import fc from 'fast-check';

export const anyValue = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
  withObjectString: true,
});
