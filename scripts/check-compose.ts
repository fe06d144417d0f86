// pnpm compose:check [file] — validates docker-compose.yml without a compose client (none is installed here):
// the YAML with its anchors and merge keys, ${VAR} interpolation as compose evaluates it (`${VAR}`, `$VAR`,
// `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+other}`, `$$`) against the
// environment and `.env`, and what compose would reject or fail on later: a service without image or build, a build
// context, Dockerfile, target or build arg that does not exist, depends_on on an unknown or profile-only service or
// in a cycle, service_healthy on a service without a healthcheck, undeclared named volumes and networks, missing
// env files, malformed ports, durations, restart policies and healthchecks, and unknown keys (typos).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, visit } from 'yaml';
import { interpolateAll, readDotEnv, variablesUsed } from './compose/interpolation';
import {
  checkDependencies,
  checkService,
  checkTopLevelDeclarations,
  TOP_LEVEL_KEYS,
  unknownKeys,
  type ServiceFacts,
} from './compose/model-checks';
import { error, errors, isMapping, notes, type Environment } from './compose/problems';

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
