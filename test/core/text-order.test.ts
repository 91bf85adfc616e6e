import fc from 'fast-check';
import { compareText } from '../../src/core/text-order';

test('compareText orders strings exactly as localeCompare does', () => {
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('a', 'A', 'á', 'b', 'B', '1', '10', '2', ' ', '-', 'Ä', 'z', 'ß', 'ss'));
  fc.assert(
    fc.property(text, text, (a, b) => {
      expect(Math.sign(compareText(a, b))).toBe(Math.sign(a.localeCompare(b)));
    }),
    { numRuns: 5000 },
  );
});
