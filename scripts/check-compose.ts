// pnpm compose:check [file] — validates docker-compose.yml without a compose client (none is installed here):
// the YAML with its anchors and merge keys, ${VAR} interpolation as compose evaluates it (`${VAR}`, `$VAR`,
// `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+other}`, `$$`) against the
// environment and `.env`, and what compose would reject or fail on later: a service without image or build, a build
// context, Dockerfile, target or build arg that does not exist, depends_on on an unknown or profile-only service or
// in a cycle, service_healthy on a service without a healthcheck, undeclared named volumes and networks, missing
// env files, malformed ports, durations, restart policies and healthchecks, and unknown keys (typos).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, visit } from 'yaml';

type Environment = Record<string, string | undefined>;
type Mapping = Record<string, unknown>;

const errors: string[] = [];
const notes: string[] = [];

function error(where: string, message: string): void {
  errors.push(`${where}: ${message}`);
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

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

interface VariableUse {
  /** e.g. `default ''`, `required: <message>` */
  how: string;
  missing: boolean;
}
const variablesUsed = new Map<string, VariableUse>();

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
function interpolateAll(value: unknown, env: Environment, where: string): unknown {
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
function readDotEnv(file: string): Environment {
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

// ---------------------------------------------------------------------------------------------------------------
// The compose model

/** A set of the space-separated names. */
function words(names: string): Set<string> {
  return new Set(names.split(' '));
}

const TOP_LEVEL_KEYS = words('version name services volumes networks configs secrets include');
const SERVICE_KEYS = words(
  'annotations attach build cap_add cap_drop cgroup command configs container_name cpu_count cpu_shares ' +
    'cpus depends_on deploy develop devices dns domainname entrypoint env_file environment expose extends ' +
    'extra_hosts group_add healthcheck hostname image init ipc labels links logging mem_limit ' +
    'mem_reservation network_mode networks pid platform ports privileged profiles pull_policy read_only ' +
    'restart secrets security_opt shm_size stdin_open stop_grace_period stop_signal sysctls tmpfs tty ' +
    'ulimits user userns_mode volumes volumes_from working_dir',
);
const BUILD_KEYS = words(
  'context dockerfile dockerfile_inline args target labels cache_from cache_to network platforms ' +
    'secrets ssh tags extra_hosts shm_size additional_contexts pull no_cache',
);
const HEALTHCHECK_KEYS = words('test interval timeout retries start_period start_interval disable');
const DEPENDS_ON_KEYS = words('condition required restart');
const CONDITIONS = words('service_started service_healthy service_completed_successfully');
const DURATION = /^(\d+(\.\d+)?(us|ms|s|m|h))+$/;
const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
const PORT =
  /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/;
const PROFILE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function unknownKeys(where: string, value: Mapping, known: Set<string>): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key) && !key.startsWith('x-')) error(where, `unknown key "${key}"`);
  }
}

function checkDuration(where: string, value: unknown): void {
  if (value !== undefined && !(typeof value === 'string' && DURATION.test(value))) {
    error(where, `${JSON.stringify(value)} is not a duration (e.g. "10s", "1m30s")`);
  }
}

function checkStringOrList(where: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string' && !isStringList(value)) {
    error(where, 'must be a string or a list of strings');
  }
}

/** Names declared under `key` of a list-or-map field (depends_on, networks, …). */
function listOrMapNames(where: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (isStringList(value)) return value;
  if (isMapping(value)) return Object.keys(value);
  error(where, 'must be a list of names or a mapping');
  return [];
}

interface Dockerfile {
  stages: Set<string>;
  args: Set<string>;
  healthcheck: boolean;
}

function readDockerfile(file: string): Dockerfile {
  const text = readFileSync(file, 'utf8').replace(/\\\r?\n/g, ' ');
  const stages = new Set<string>();
  const args = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const from = /^\s*FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) stages.add(from[1]!.toLowerCase());
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)/i.exec(line);
    if (arg) args.add(arg[1]!);
  }
  return { stages, args, healthcheck: /^\s*HEALTHCHECK\s+(?!NONE)/im.test(text) };
}

function checkBuild(where: string, build: unknown, baseDir: string): Dockerfile | null {
  const spec: Mapping = typeof build === 'string' ? { context: build } : isMapping(build) ? build : {};
  if (!isMapping(build) && typeof build !== 'string') {
    error(where, 'must be a context path or a mapping');
    return null;
  }
  unknownKeys(where, spec, BUILD_KEYS);
  const context = path.resolve(baseDir, typeof spec.context === 'string' ? spec.context : '.');
  if (!existsSync(context) || !statSync(context).isDirectory()) {
    error(`${where}.context`, `${path.relative(baseDir, context) || '.'} is not a folder`);
    return null;
  }
  if (spec.dockerfile_inline !== undefined) return null;
  const dockerfilePath = path.resolve(
    context,
    typeof spec.dockerfile === 'string' ? spec.dockerfile : 'Dockerfile',
  );
  if (!existsSync(dockerfilePath) || !statSync(dockerfilePath).isFile()) {
    error(`${where}.dockerfile`, `${path.relative(baseDir, dockerfilePath)} does not exist`);
    return null;
  }
  const dockerfile = readDockerfile(dockerfilePath);
  if (typeof spec.target === 'string' && !dockerfile.stages.has(spec.target.toLowerCase())) {
    error(`${where}.target`, `${path.relative(baseDir, dockerfilePath)} has no stage "${spec.target}"`);
  }
  const args = isMapping(spec.args)
    ? Object.keys(spec.args)
    : isStringList(spec.args)
      ? spec.args.map((arg) => arg.split('=')[0]!)
      : [];
  if (spec.args !== undefined && !isMapping(spec.args) && !isStringList(spec.args)) {
    error(`${where}.args`, 'must be a mapping or a list of NAME=value');
  }
  for (const arg of args) {
    if (!dockerfile.args.has(arg)) {
      error(`${where}.args`, `${path.relative(baseDir, dockerfilePath)} declares no ARG ${arg}`);
    }
  }
  return dockerfile;
}

function checkEnvironment(where: string, environment: unknown): void {
  if (environment === undefined) return;
  if (Array.isArray(environment)) {
    for (const [index, entry] of environment.entries()) {
      if (typeof entry !== 'string' || !/^[^=\s]+(=.*)?$/s.test(entry)) {
        error(`${where}[${index}]`, `${JSON.stringify(entry)} is not NAME=value`);
      }
    }
    return;
  }
  if (!isMapping(environment)) {
    error(where, 'must be a mapping or a list of NAME=value');
    return;
  }
  for (const [key, value] of Object.entries(environment)) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      error(`${where}.${key}`, 'must be a string, number, boolean or null');
    }
  }
}

function checkEnvFiles(where: string, envFile: unknown, baseDir: string): void {
  if (envFile === undefined) return;
  const entries = Array.isArray(envFile) ? envFile : [envFile];
  for (const [index, entry] of entries.entries()) {
    const file = typeof entry === 'string' ? entry : isMapping(entry) ? entry.path : undefined;
    const required = isMapping(entry) ? entry.required !== false : true;
    if (typeof file !== 'string') {
      error(`${where}[${index}]`, 'must be a path or {path, required}');
    } else if (required && !existsSync(path.resolve(baseDir, file))) {
      error(
        `${where}[${index}]`,
        `${file} does not exist (compose refuses to start; or set required: false)`,
      );
    }
  }
}

function checkVolumes(where: string, volumes: unknown, declared: Set<string>): void {
  if (volumes === undefined) return;
  if (!Array.isArray(volumes)) {
    error(where, 'must be a list');
    return;
  }
  for (const [index, volume] of volumes.entries()) {
    const at = `${where}[${index}]`;
    if (typeof volume === 'string') {
      const parts = volume.split(':');
      if (parts.length > 3 || parts.some((part) => part === '')) {
        error(at, `${JSON.stringify(volume)} is not source:target[:mode]`);
        continue;
      }
      const [source, target, mode] = parts.length === 1 ? [undefined, parts[0]!, undefined] : parts;
      if (!target?.startsWith('/')) {
        error(at, `the container path ${JSON.stringify(target)} must be absolute`);
      }
      if (
        mode !== undefined &&
        !/^(ro|rw|z|Z|nocopy|cached|delegated|consistent)(,(ro|rw|z|Z|nocopy))*$/.test(mode)
      ) {
        error(at, `unknown mode "${mode}"`);
      }
      const bind = source !== undefined && /^[./~]/.test(source);
      if (source !== undefined && !bind && !declared.has(source)) {
        error(at, `named volume "${source}" is not declared under the top-level volumes`);
      }
    } else if (isMapping(volume)) {
      if (typeof volume.target !== 'string') error(at, 'needs a target');
      if (volume.type === 'volume' && typeof volume.source === 'string' && !declared.has(volume.source)) {
        error(at, `named volume "${volume.source}" is not declared under the top-level volumes`);
      }
    } else {
      error(at, 'must be a string or a mapping');
    }
  }
}

function checkPorts(where: string, ports: unknown): void {
  if (ports === undefined) return;
  if (!Array.isArray(ports)) {
    error(where, 'must be a list');
    return;
  }
  for (const [index, port] of ports.entries()) {
    const valid =
      (typeof port === 'string' && PORT.test(port)) ||
      (typeof port === 'number' && Number.isInteger(port)) ||
      (isMapping(port) && (typeof port.target === 'number' || typeof port.target === 'string'));
    if (!valid) {
      error(`${where}[${index}]`, `${JSON.stringify(port)} is not a port mapping ("host:container")`);
    }
  }
}

function checkHealthcheck(where: string, healthcheck: unknown): boolean {
  if (healthcheck === undefined) return false;
  if (!isMapping(healthcheck)) {
    error(where, 'must be a mapping');
    return false;
  }
  unknownKeys(where, healthcheck, HEALTHCHECK_KEYS);
  if (healthcheck.disable === true) return false;
  const test = healthcheck.test;
  if (typeof test === 'string') {
    if (!test.trim()) error(`${where}.test`, 'is empty');
  } else if (isStringList(test) && test.length > 0) {
    const [kind, ...command] = test;
    if (kind === 'NONE') return false;
    if (kind !== 'CMD' && kind !== 'CMD-SHELL') {
      error(`${where}.test`, 'must start with CMD, CMD-SHELL or NONE');
    } else if (kind === 'CMD' && command.length === 0) {
      error(`${where}.test`, '["CMD", …] needs a command');
    } else if (kind === 'CMD-SHELL' && command.length !== 1) {
      error(`${where}.test`, '["CMD-SHELL", "…"] takes one string');
    }
  } else {
    error(`${where}.test`, 'must be a command string or a list such as ["CMD", "…"]');
  }
  for (const key of ['interval', 'timeout', 'start_period', 'start_interval']) {
    checkDuration(`${where}.${key}`, healthcheck[key]);
  }
  const retries = healthcheck.retries;
  if (retries !== undefined && !(typeof retries === 'number' && Number.isInteger(retries) && retries >= 0)) {
    error(`${where}.retries`, 'must be a whole number');
  }
  return true;
}

interface ServiceFacts {
  profiles: string[];
  dependsOn: string[];
  healthy: boolean | 'image';
}

function checkService(name: string, service: unknown, model: Mapping, baseDir: string): ServiceFacts | null {
  const where = `services.${name}`;
  if (!isMapping(service)) {
    error(where, 'must be a mapping');
    return null;
  }
  unknownKeys(where, service, SERVICE_KEYS);
  if (service.image === undefined && service.build === undefined) error(where, 'needs an image or a build');
  if (service.image !== undefined && (typeof service.image !== 'string' || !service.image)) {
    error(`${where}.image`, 'must be an image name');
  }
  const dockerfile =
    service.build !== undefined ? checkBuild(`${where}.build`, service.build, baseDir) : null;
  checkEnvironment(`${where}.environment`, service.environment);
  checkEnvFiles(`${where}.env_file`, service.env_file, baseDir);
  checkVolumes(
    `${where}.volumes`,
    service.volumes,
    new Set(Object.keys(isMapping(model.volumes) ? model.volumes : {})),
  );
  checkPorts(`${where}.ports`, service.ports);
  checkStringOrList(`${where}.command`, service.command);
  checkStringOrList(`${where}.entrypoint`, service.entrypoint);
  checkDuration(`${where}.stop_grace_period`, service.stop_grace_period);
  if (
    service.restart !== undefined &&
    !(typeof service.restart === 'string' && RESTART.test(service.restart))
  ) {
    error(
      `${where}.restart`,
      `${JSON.stringify(service.restart)} is not no, always, on-failure[:n] or unless-stopped`,
    );
  }
  if (typeof service.working_dir === 'string' && !service.working_dir.startsWith('/')) {
    error(`${where}.working_dir`, 'must be absolute');
  }
  const profiles =
    service.profiles === undefined ? [] : isStringList(service.profiles) ? service.profiles : null;
  if (!profiles) error(`${where}.profiles`, 'must be a list of names');
  for (const profile of profiles ?? []) {
    if (!PROFILE.test(profile)) error(`${where}.profiles`, `"${profile}" is not a valid profile name`);
  }
  const declaredNetworks = new Set([
    'default',
    ...Object.keys(isMapping(model.networks) ? model.networks : {}),
  ]);
  for (const network of listOrMapNames(`${where}.networks`, service.networks)) {
    if (!declaredNetworks.has(network)) error(`${where}.networks`, `network "${network}" is not declared`);
  }
  const dependsOn = listOrMapNames(`${where}.depends_on`, service.depends_on);
  if (isMapping(service.depends_on)) {
    for (const [dependency, spec] of Object.entries(service.depends_on)) {
      const at = `${where}.depends_on.${dependency}`;
      if (spec === null) continue;
      if (!isMapping(spec)) {
        error(at, 'must be a mapping such as {condition: service_healthy}');
        continue;
      }
      unknownKeys(at, spec, DEPENDS_ON_KEYS);
      if (spec.condition !== undefined && !CONDITIONS.has(String(spec.condition))) {
        error(`${at}.condition`, `"${String(spec.condition)}" is not one of ${[...CONDITIONS].join(', ')}`);
      }
    }
  }
  const hasHealthcheck = checkHealthcheck(`${where}.healthcheck`, service.healthcheck);
  const healthy =
    hasHealthcheck || (dockerfile?.healthcheck ?? false) || (service.build === undefined ? 'image' : false);
  return { profiles: profiles ?? [], dependsOn, healthy };
}

function checkDependencies(model: Mapping, facts: Map<string, ServiceFacts>): void {
  const services = model.services as Mapping;
  for (const [name, fact] of facts) {
    for (const dependency of fact.dependsOn) {
      const where = `services.${name}.depends_on`;
      const target = facts.get(dependency);
      if (!target) {
        error(where, `"${dependency}" is not a service`);
        continue;
      }
      if (fact.profiles.length === 0 && target.profiles.length > 0) {
        error(where, `"${dependency}" runs only with profile ${target.profiles.join('/')}, "${name}" always`);
      }
      const spec = (services[name] as Mapping).depends_on;
      const condition =
        isMapping(spec) && isMapping(spec[dependency]) ? spec[dependency].condition : undefined;
      if (condition === 'service_healthy' && target.healthy === false) {
        error(where, `service_healthy on "${dependency}", which has no healthcheck`);
      } else if (condition === 'service_healthy' && target.healthy === 'image') {
        notes.push(`${where}: service_healthy on "${dependency}" relies on its image's HEALTHCHECK`);
      }
    }
  }
  // depends_on cycles: compose refuses to start any of them.
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      error('services', `depends_on cycle: ${[...trail.slice(trail.indexOf(name)), name].join(' -> ')}`);
      return;
    }
    state.set(name, 'visiting');
    for (const dependency of facts.get(name)?.dependsOn ?? [])
      if (facts.has(dependency)) visit(dependency, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of facts.keys()) visit(name, []);
}

function checkTopLevelDeclarations(model: Mapping): void {
  for (const key of ['volumes', 'networks', 'configs', 'secrets']) {
    const section = model[key];
    if (section === undefined || section === null) continue;
    if (!isMapping(section)) {
      error(key, 'must be a mapping of names');
      continue;
    }
    for (const [name, value] of Object.entries(section)) {
      if (value !== null && !isMapping(value)) error(`${key}.${name}`, 'must be empty or a mapping');
    }
  }
}

function main(): void {
  const file = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'docker-compose.yml'));
  const baseDir = path.dirname(file);
  const shown = path.relative(process.cwd(), file) || file;
  const document = parseDocument(readFileSync(file, 'utf8'), {
    merge: true,
    uniqueKeys: true,
    prettyErrors: true,
  });
  for (const problem of [...document.errors, ...document.warnings])
    errors.push(`${shown}: ${problem.message}`);
  visit(document, {
    Alias(_key, alias) {
      if (alias.resolve(document) === undefined) errors.push(`${shown}: *${alias.source} names no anchor`);
    },
  });
  let raw: unknown;
  if (!errors.length) {
    try {
      raw = document.toJS({ maxAliasCount: 100 });
    } catch (problem) {
      errors.push(`${shown}: ${(problem as Error).message}`);
    }
  }

  if (isMapping(raw)) {
    const env: Environment = { ...readDotEnv(path.join(baseDir, '.env')), ...process.env };
    const model = Object.fromEntries(
      Object.entries(raw).map(([key, value]) => [key, interpolateAll(value, env, key)]),
    );
    unknownKeys('(top level)', model, TOP_LEVEL_KEYS);
    if (model.version !== undefined) notes.push('version: obsolete, compose ignores it');
    checkTopLevelDeclarations(model);
    if (!isMapping(model.services) || Object.keys(model.services).length === 0) {
      error('services', 'must map at least one service');
    } else {
      const facts = new Map<string, ServiceFacts>();
      for (const [name, service] of Object.entries(model.services)) {
        const fact = checkService(name, service, model, baseDir);
        if (fact) facts.set(name, fact);
      }
      checkDependencies(model, facts);
      const names = [...facts].map(([name, fact]) =>
        fact.profiles.length ? `${name} (profile ${fact.profiles.join(', ')})` : name,
      );
      console.log(`services: ${names.sort().join(', ')}`);
    }
  } else if (!errors.length) {
    errors.push(`${shown}: not a mapping`);
  }

  for (const [name, use] of [...variablesUsed].sort(([a], [b]) => a.localeCompare(b))) {
    const missing = use.missing ? '; not set here, so compose needs it from .env or the environment' : '';
    console.log(`variable ${name}: ${use.how}${missing}`);
  }
  for (const note of notes) console.log(`note: ${note}`);
  if (errors.length) {
    console.error(`${shown} is invalid:\n${errors.map((problem) => `  - ${problem}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`- ${shown} is valid`);
}

main();
