/**
 * Text output shows the control characters of note content as escapes: nothing that ends a line or
 * drives a terminal gets through, and text without such characters is printed as it is.
 */
import fc from 'fast-check';
import { visible } from '../../src/cli/io';

const controls = (s: string): number[] =>
  [...s].map((ch) => ch.charCodeAt(0)).filter((c) => (c <= 0x1f && c !== 0x09) || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029);

test('no control character but tab survives, and plain text is untouched', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('\n', '\r', '\u001b', '\t', '\u0085', '\u2028', '\u0000'), fc.string({ maxLength: 3 })) }), (s) => {
      const shown = visible(s);
      expect(controls(shown)).toEqual([]);
      if (controls(s).length === 0) expect(shown).toBe(s);
    }),
    { numRuns: 500 },
  );
  expect(visible('a\nb\r\u001b[31m\tc')).toBe('a\\nb\\r\\u001b[31m\tc');
});
