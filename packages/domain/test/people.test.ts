import { execFileSync } from 'node:child_process';
import { itIf } from '@groundtruth/jest-preset/conditional';
import { parsePersonNameValue, personNameForms, personNameTagValue } from '../src/people/person-name';
import { commandAvailable } from '../src/testing/tools';

describe('person-name tag values', () => {
  const names = [
    'John Smith',
    'José Ñúñez',
    'Say "hi"',
    'back\\slash',
    'tab\there',
    '李雷',
    'emoji 😀',
    'del\u007f',
  ];

  it('writes the legacy form: Python json.dumps({"person_name": name})', () => {
    expect(personNameTagValue('John Smith')).toBe('{"person_name": "John Smith"}');
    expect(personNameTagValue('José')).toBe('{"person_name": "Jos\\u00e9"}');
    expect(personNameTagValue('Say "hi"')).toBe('{"person_name": "Say \\"hi\\""}');
  });

  itIf(
    commandAvailable('python3', ['-c', 'import json']),
    "python3 (the legacy app's json.dumps) is missing",
  )('matches what the legacy Python app wrote, byte for byte', () => {
    const script = 'import json,sys\nfor n in json.load(sys.stdin): print(json.dumps({"person_name": n}))';
    const legacy = execFileSync('python3', ['-c', script], { input: JSON.stringify(names) })
      .toString()
      .trimEnd()
      .split('\n');
    expect(names.map(personNameTagValue)).toEqual(legacy);
  });

  it('reads both stored forms back to the name (§9 #5: no `{ Name}`)', () => {
    for (const name of names) {
      const [json, plain] = personNameForms(name);
      expect(parsePersonNameValue(json)).toBe(name);
      expect(parsePersonNameValue(plain)).toBe(name);
    }
  });

  it('reads malformed and empty values the way the legacy reader did, or not at all', () => {
    expect(parsePersonNameValue('{"person_name": "Ann"')).toBe('Ann');
    expect(parsePersonNameValue('{"person_name": ""}')).toBeNull();
    expect(parsePersonNameValue('{"scenario": "x"}')).toBeNull();
    expect(parsePersonNameValue('   ')).toBeNull();
    expect(parsePersonNameValue(null)).toBeNull();
  });
});
