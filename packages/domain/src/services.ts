import { EcoeyeRelayService } from './ecoeye/relay-service';
import { EcoeyeSyncService } from './ecoeye/sync-service';
import { IngestService } from './ingest/service';
import type { DomainDeps } from './shared/deps';
import { TrainingService } from './training/service';
import { VideoService } from './videos/service';

/** Every feature's service over one set of dependencies: what apps/api routes and apps/worker call. */
export function createServices(deps: DomainDeps) {
  return {
    videos: new VideoService(deps),
    ingest: new IngestService(deps),
    ecoeyeSync: new EcoeyeSyncService(deps),
    ecoeyeRelay: new EcoeyeRelayService(deps),
    training: new TrainingService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
