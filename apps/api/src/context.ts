import type { Config } from '@groundtruth/config';
import type { Database } from '@groundtruth/db';
import { createDomainDeps, createServices, type DomainDeps, type Services } from '@groundtruth/domain';
import type { QueueBackend } from '@groundtruth/queue';

/**
 * What the app is built from, once in main.ts (or by tests): the services' dependencies (config, database, job
 * producer, media tools), the queue backend (health, Bull Board) and every feature's service.
 */
export interface AppContext extends DomainDeps {
  queue: QueueBackend;
  /** Every feature's use cases: what routes call. */
  services: Services;
}

/** What a route module gets: settings and the services, never the database or the queues themselves. */
export type RouteContext = Pick<AppContext, 'config' | 'services'>;

/** The app's context over one database and queue backend: the services and the producer share them. */
export function createAppContext(parts: { config: Config; db: Database; queue: QueueBackend }): AppContext {
  const deps = createDomainDeps(parts);
  return { ...deps, queue: parts.queue, services: createServices(deps) };
}
