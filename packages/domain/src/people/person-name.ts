/**
 * A person's name lives in the `person_name` tag group of a keyframe annotation. Its value keeps the form the
 * legacy assign-name route wrote, `{"person_name": "<name>"}` (Python json.dumps: `": "` separator, non-ASCII as
 * \uXXXX), so migrated rows and new rows read the same; a plain-text value (what the annotation-tags route stores
 * for a `person_name` key) is read as the name itself. Names are parsed, never derived by stripping quotes (§9 #5).
 */
import { pythonJson } from '../shared/legacy-format';

/**
 * SQL: the identity key of a person-name tag value (`alias` is the annotation_tags row): the escaped text between
 * the quotes of the legacy JSON form, else the value itself (`person_name_key()`, defined in the person_topology
 * migration, which the topology triggers use too). Both forms of an ASCII name give the same key;
 * `personNameForms()` gives the stored values of a name.
 */
export function personKeySql(alias: string): string {
  return `person_name_key(${alias}.tag_value)`;
}

/** The tag value assign-name writes, byte for byte as the legacy app did. */
export function personNameTagValue(name: string): string {
  return pythonJson({ person_name: name });
}

/** The stored values that name this person: the legacy JSON form and the plain form. */
export function personNameForms(name: string): [string, string] {
  return [personNameTagValue(name), name];
}

/** The name a person-name tag value carries; null when it carries none. */
export function parsePersonNameValue(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      // not JSON: the first quoted text after the key, as the legacy reader did
      const quoted = /"([^"]*)"/.exec(trimmed.replace('"person_name":', ''));
      return quoted && quoted[1] ? quoted[1] : null;
    }
    const name = (parsed as { person_name?: unknown }).person_name;
    return typeof name === 'string' && name.trim() !== '' ? name : null;
  }
  return trimmed === '' ? null : value;
}

/** "Unknown" (any case, any surrounding space) stands for a detection without a name. */
export const isUnknownName = (name: string) => name.trim().toLowerCase() === 'unknown';
