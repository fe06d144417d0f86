import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Mapping } from './problems';
import { error, notes, isMapping, isStringList } from './problems';

// ---------------------------------------------------------------------------------------------------------------
// The compose model

/** A set of the space-separated names. */
function words(names: string): Set<string> {
  return new Set(names.split(' '));
}

export const TOP_LEVEL_KEYS = words('version name services volumes networks configs secrets include');
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

export function unknownKeys(where: string, value: Mapping, known: Set<string>): void {
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

export interface ServiceFacts {
  profiles: string[];
  dependsOn: string[];
  healthy: boolean | 'image';
}

export function checkService(
  name: string,
  service: unknown,
  model: Mapping,
  baseDir: string,
): ServiceFacts | null {
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
      if (
        spec.condition !== undefined &&
        !(typeof spec.condition === 'string' && CONDITIONS.has(spec.condition))
      ) {
        error(
          `${at}.condition`,
          `${JSON.stringify(spec.condition)} is not one of ${[...CONDITIONS].join(', ')}`,
        );
      }
    }
  }
  const hasHealthcheck = checkHealthcheck(`${where}.healthcheck`, service.healthcheck);
  const healthy =
    hasHealthcheck || (dockerfile?.healthcheck ?? false) || (service.build === undefined ? 'image' : false);
  return { profiles: profiles ?? [], dependsOn, healthy };
}

export function checkDependencies(model: Mapping, facts: Map<string, ServiceFacts>): void {
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

export function checkTopLevelDeclarations(model: Mapping): void {
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
