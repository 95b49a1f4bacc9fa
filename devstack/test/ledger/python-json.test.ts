// The Python encodings, byte for byte; expected texts printed by CPython 3 (json.dumps / flask.jsonify settings).
import { flaskJsonify, pythonJsonDumps, restfulJson } from '../../src/ledger/python-json';

describe('python-json', () => {
  test('json.dumps: insertion order, ", " and ": ", every non-ASCII character and lone surrogate escaped', () => {
    const value = { Zür: ['é', '\ud800', '\u007f', 'a"b', '\u{1F697}', 1, null, true], k: { ctl: '\u0001\n' } };
    // python3 -c 'import json; print(json.dumps({"Zür": ["é", "\ud800", "\x7f", "a\"b", "\U0001F697", 1, None, True], "k": {"ctl": "\x01\n"}}))'
    expect(pythonJsonDumps(value)).toBe(
      '{"Z\\u00fcr": ["\\u00e9", "\\ud800", "\\u007f", "a\\"b", "\\ud83d\\ude97", 1, null, true], "k": {"ctl": "\\u0001\\n"}}',
    );
    expect(restfulJson(['x'])).toBe('["x"]\n');
  });

  test('flask.jsonify: sorted keys, compact, ASCII only, trailing newline', () => {
    // python3 -c 'import json; print(json.dumps({"b": "é", "a": [1, "x"]}, sort_keys=True, separators=(",", ":")))'
    expect(flaskJsonify({ b: 'é', a: [1, 'x'] })).toBe('{"a":[1,"x"],"b":"\\u00e9"}\n');
  });

  test('values JSON cannot carry are refused, not written', () => {
    expect(() => pythonJsonDumps({ n: Number.NaN })).toThrow(TypeError);
    expect(() => pythonJsonDumps([undefined])).toThrow(TypeError);
  });
});
