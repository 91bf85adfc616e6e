/** The element-at-a-time JSON reader against JSON.parse as the oracle. */
import fc from 'fast-check';
import { jsonArrayElements, JsonShapeError } from '../../src/core/import/json-array';

const elements = (text: string, key = 'objects'): unknown[] => [...jsonArrayElements(text, key)].map((e) => JSON.parse(e) as unknown);

describe('jsonArrayElements', () => {
  test('any document: the elements equal JSON.parse(doc)[key], whatever the spacing and other keys', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 8 }),
        fc.dictionary(fc.string().filter((k) => k !== 'objects'), fc.jsonValue(), { maxKeys: 4 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 }),
        (objects, others, before, indent) => {
          const doc = before ? { ...others, objects } : { objects, ...others };
          const text = JSON.stringify(doc, null, indent);
          expect(elements(text)).toEqual(JSON.parse(JSON.stringify(objects)));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('strings with quotes, backslashes and brackets do not end an element early', () => {
    const objects = [{ a: 'x"}]', b: ['\\', '\\"', '{['] }, 'plain', 3, null, { c: { d: [1, [2, { e: '"\\\\"' }]] } }];
    expect(elements(`\uFEFF{"type":"bundle","objects":${JSON.stringify(objects)}}`)).toEqual(objects);
    expect(elements('{"objects": [ ] }')).toEqual([]);
  });

  test('shape errors are reported, not swallowed', () => {
    expect(() => elements('[1,2]')).toThrow(JsonShapeError);
    expect(() => elements('{"other": []}')).toThrow(/no "objects" array/);
    expect(() => elements('{"objects": [{"a": "unterminated}]}')).toThrow(/unterminated/);
    expect(() => elements('{"objects": [{"a": 1} {"b": 2}]}')).toThrow(/expected ","/);
    // A broken element is found by JSON.parse, element by element.
    expect(() => elements('{"objects": [{"a": 1}, {"b": tru}]}')).toThrow(SyntaxError);
  });
});
