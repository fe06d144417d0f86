import { AnnotationService } from './annotations/service';
import type { DomainDeps } from './shared/deps';
import { TaxonomyService } from './taxonomy/service';
import { UnifiService } from './unifi/service';
import { VideoService } from './videos/service';

/** Every feature's service over one set of dependencies: what apps/api routes and apps/worker call. */
export function createServices(deps: DomainDeps) {
  return {
    videos: new VideoService(deps),
    annotations: new AnnotationService(deps),
    taxonomy: new TaxonomyService(deps),
    unifi: new UnifiService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
