import path from 'node:path';
import { containsPattern, fileInside, pythonJson, tagValueText, withListFields } from '../src';

describe('pythonJson', () => {
  it('writes JSON byte for byte as Python json.dumps does', () => {
    expect(pythonJson({ person_name: 'Jörg 😀', n: [1, 2.5, null, true], o: {} })).toBe(
      '{"person_name": "J\\u00f6rg \\ud83d\\ude00", "n": [1, 2.5, null, true], "o": {}}',
    );
    expect(pythonJson('tab\t"q"\u007f')).toBe('"tab\\t\\"q\\"\\u007f"');
  });

  it('round-trips through JSON.parse', () => {
    const value = { scenario: 's', bboxes: { a: { x: 1, y: 2 } }, notVisible: ['b'] };
    expect(JSON.parse(pythonJson(value))).toEqual(value);
  });
});

describe('tagValueText', () => {
  it('joins checkbox arrays, keeps strings, writes JSON for the rest', () => {
    expect(tagValueText('checkbox', ['a', 'b'])).toBe('a,b');
    expect(tagValueText('dropdown', 'x')).toBe('x');
    expect(tagValueText('dropdown', true)).toBe('true');
    expect(tagValueText('text', { a: 1 })).toBe('{"a": 1}');
    expect(tagValueText('dropdown', ['a', 'b'])).toBe('["a", "b"]');
  });
});

describe('withListFields', () => {
  const base = {
    id: 1,
    filename: 'x.mp4',
    original_url: null,
    title: null,
    duration: null,
    width: null,
    height: null,
    file_size: null,
    thumbnail_path: null,
    upload_date: null,
    notes: null,
    tags: null,
    annotation_count: 0,
  };
  it('derives the EcoEye fields only for ecoeye:// imports', () => {
    expect(withListFields(base)).toEqual({ ...base, is_ecoeye_import: false, has_video_file: true });
    expect(
      withListFields({
        ...base,
        filename: 'e.placeholder',
        original_url: 'ecoeye://evt_1',
        title: '[No Video] CAM1 - person - extra',
      }),
    ).toMatchObject({
      is_ecoeye_import: true,
      has_video_file: false,
      ecoeye_event_id: 'evt_1',
      ecoeye_camera: 'CAM1',
    });
    expect(
      withListFields({ ...base, original_url: 'ecoeye://e', title: '[No Video] CAM2' }).ecoeye_camera,
    ).toBe('CAM2');
    expect(withListFields({ ...base, original_url: 'ecoeye://e', title: 'Real video' })).not.toHaveProperty(
      'ecoeye_camera',
    );
  });
});

describe('helpers', () => {
  it('escapes LIKE wildcards', () => {
    expect(containsPattern('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
  });

  it('keeps files inside their folder', () => {
    expect(fileInside('/media', 'a/b.mp4')).toBe(path.resolve('/media/a/b.mp4'));
    expect(fileInside('/media', '../etc/passwd')).toBeNull();
    expect(fileInside('/media', '/etc/passwd')).toBeNull();
    expect(fileInside('/media', '')).toBeNull();
  });
});
