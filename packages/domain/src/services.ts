import { AnnotationService } from './annotations/service';
import { EcoeyeRelayService } from './ecoeye/relay-service';
import { EcoeyeSyncService } from './ecoeye/sync-service';
import { FleetService } from './fleet/service';
import { IngestService } from './ingest/service';
import { PeopleService } from './people/service';
import type { DomainDeps } from './shared/deps';
import { SystemService } from './system/service';
import { TaxonomyService } from './taxonomy/service';
import { TopologyService } from './topology/service';
import { TrainingService } from './training/service';
import { UnifiService } from './unifi/service';
import { VibrationService } from './vibration/service';
import { VideoService } from './videos/service';
import { YoloService } from './yolo/service';

/** Every feature's service over one set of dependencies: what apps/api routes and apps/worker call. */
export function createServices(deps: DomainDeps) {
  return {
    videos: new VideoService(deps),
    annotations: new AnnotationService(deps),
    taxonomy: new TaxonomyService(deps),
    people: new PeopleService(deps),
    topology: new TopologyService(deps),
    fleet: new FleetService(deps),
    ingest: new IngestService(deps),
    yolo: new YoloService(deps),
    vibration: new VibrationService(deps),
    training: new TrainingService(deps),
    ecoeyeSync: new EcoeyeSyncService(deps),
    ecoeyeRelay: new EcoeyeRelayService(deps),
    unifi: new UnifiService(deps),
    system: new SystemService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
