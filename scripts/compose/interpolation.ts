import { existsSync, readFileSync } from 'node:fs';
import type { Environment } from './problems';
import { error, isMapping } from './problems';

// ---------------------------------------------------------------------------------------------------------------
// Interpolation

type Template = (
  | { kind: 'text'; text: string }
  | { kind: 'variable'; name: string; operator: Operator | null; argument: Template }
)[];
type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';
const OPERATORS: Operator[] = [':-', ':?', ':+', '-', '?', '+'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Parses compose's interpolation syntax; throws on what compose rejects (a lone `$`, an unclosed `${`, …). */
function parseTemplate(text: string): Template {
  const template: Template = [];
  let literal = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char !== '$') {
      literal += char;
      index += 1;
      continue;
    }
    const next = text[index + 1];
    if (next === '$') {
      literal += '$';
      index += 2;
      continue;
    }
    if (literal) template.push({ kind: 'text', text: literal });
    literal = '';
    if (next === '{') {
      const close = matchingBrace(text, index + 1);
      if (close < 0) throw new Error(`unclosed "\${" in ${JSON.stringify(text)}`);
      const body = text.slice(index + 2, close);
      const name = NAME.exec(body)?.[0];
      if (!name) throw new Error(`invalid variable name in "\${${body}}"`);
      const rest = body.slice(name.length);
      const operator = OPERATORS.find((candidate) => rest.startsWith(candidate)) ?? null;
      if (rest && !operator) throw new Error(`unknown operator in "\${${body}}" (use :- - :? ? :+ +)`);
      const argument = operator ? parseTemplate(rest.slice(operator.length)) : [];
      template.push({ kind: 'variable', name, operator, argument });
      index = close + 1;
      continue;
    }
    const name = NAME.exec(text.slice(index + 1))?.[0];
    if (!name) throw new Error(`a lone "$" in ${JSON.stringify(text)} (write "$$" for a literal "$")`);
    template.push({ kind: 'variable', name, operator: null, argument: [] });
    index += 1 + name.length;
  }
  if (literal) template.push({ kind: 'text', text: literal });
  return template;
}

/** The index of the `}` closing the `{` at `open`, skipping nested `${…}`. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '$' && text[index + 1] === '$') index += 1;
    else if (text[index] === '{') depth += 1;
    else if (text[index] === '}' && --depth === 0) return index;
  }
  return -1;
}

export interface VariableUse {
  /** e.g. `default ''`, `required: <message>` */
  how: string;
  missing: boolean;
}
export const variablesUsed = new Map<string, VariableUse>();

function evaluate(template: Template, env: Environment, where: string): string {
  let result = '';
  for (const part of template) {
    if (part.kind === 'text') {
      result += part.text;
      continue;
    }
    const value = env[part.name];
    const unset = value === undefined;
    const unsetOrEmpty = unset || value === '';
    const argument = () => evaluate(part.argument, env, where);
    const use = (how: string, missing: boolean) =>
      variablesUsed.set(part.name, {
        how,
        missing: missing || (variablesUsed.get(part.name)?.missing ?? false),
      });
    switch (part.operator) {
      case null:
        use('no default (compose uses a blank string when unset)', unset);
        result += value ?? '';
        break;
      case ':-':
      case '-': {
        const useDefault = part.operator === ':-' ? unsetOrEmpty : unset;
        const fallback = argument();
        use(`default ${JSON.stringify(fallback)}`, false);
        result += useDefault ? fallback : value!;
        break;
      }
      case ':?':
      case '?': {
        const missing = part.operator === ':?' ? unsetOrEmpty : unset;
        use(`required: ${argument() || '(no message)'}`, missing);
        result += missing ? `<${part.name}>` : value!;
        break;
      }
      case ':+':
      case '+': {
        const present = part.operator === ':+' ? !unsetOrEmpty : !unset;
        const replacement = argument();
        use(`${JSON.stringify(replacement)} when set`, false);
        result += present ? replacement : '';
        break;
      }
    }
  }
  return result;
}

/** Interpolates every string value (not keys), as compose does after merging the YAML. */
export function interpolateAll(value: unknown, env: Environment, where: string): unknown {
  if (typeof value === 'string') {
    try {
      return evaluate(parseTemplate(value), env, where);
    } catch (problem) {
      error(where, (problem as Error).message);
      return value;
    }
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => interpolateAll(item, env, `${where}[${index}]`));
  }
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateAll(item, env, `${where}.${key}`)]),
    );
  }
  return value;
}

/** KEY=VALUE lines of a .env file (comments, blank lines, `export` and quotes as compose reads them). */
export function readDotEnv(file: string): Environment {
  const env: Environment = {};
  if (!existsSync(file)) return env;
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      error(file, `cannot read line ${JSON.stringify(raw)}`);
      continue;
    }
    let value = match[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, '');
    env[match[1]!] = value;
  }
  return env;
}
