import type { DomainDeps } from '../shared/deps';
import { NotFoundError } from '../shared/errors';
import { cameraGraph, personExists, personTransitions, suggestTrackLinks } from './queries';
import type { PathStep, SuggestLinksRequest, Transition } from './schemas';

/** The path view of a person's transitions: the first detection, then one step per transition. */
function pathOf(transitions: Transition[]): PathStep[] {
  if (transitions.length === 0) return [];
  const first = transitions[0]!;
  return [
    {
      sequence: 0,
      camera: first.from_camera,
      video_id: first.from_video_id,
      timestamp: first.from_timestamp,
      detection_id: first.from_detection_id,
      event: 'first_detection',
    },
    ...transitions.map((transition, index) => ({
      sequence: index + 1,
      camera: transition.to_camera,
      video_id: transition.to_video_id,
      timestamp: transition.to_timestamp,
      detection_id: transition.to_detection_id,
      event: 'transition' as const,
      from_camera: transition.from_camera,
      transition_time_seconds: transition.time_delta_seconds,
    })),
  ];
}

/**
 * Camera topology learned from named person detections (api.md §4.3). A person's transitions and path are empty
 * for a name no detection carries (200, as the legacy routes 49/50); suggest-links answers 404 for nobody.
 */
export class TopologyService {
  constructor(private readonly deps: Pick<DomainDeps, 'db'>) {}

  graph() {
    return cameraGraph(this.deps.db);
  }

  transitions(personName: string): Promise<Transition[]> {
    return personTransitions(this.deps.db, personName);
  }

  async path(personName: string): Promise<PathStep[]> {
    return pathOf(await this.transitions(personName));
  }

  async suggestLinks(request: SuggestLinksRequest) {
    await this.requirePerson(request.person_name);
    return suggestTrackLinks(this.deps.db, request.person_name, request.time_window_seconds, request.limit);
  }

  /** Throws NotFoundError unless a person-name tag carries this name. */
  private async requirePerson(personName: string): Promise<void> {
    if (!(await personExists(this.deps.db, personName))) {
      throw new NotFoundError(`Person not found: ${personName}`);
    }
  }
}
