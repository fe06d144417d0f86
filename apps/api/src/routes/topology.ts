import {
  cameraGraphResponse,
  personPathResponse,
  suggestLinksBody,
  suggestLinksResponse,
  topologyPersonParams,
  transitionsResponse,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter } from '../route';

export function topologyRoutes({ services }: RouteContext): ApiRouter {
  const { topology } = services;
  return new ApiRouter()
    .route(
      {
        method: 'get',
        path: '/api/camera-topology/graph',
        tag: 'camera-topology',
        summary:
          'Cameras (nodes) and person transitions between them (edges), learned from named person detections',
        response: cameraGraphResponse,
      },
      async () => ({ success: true, graph: await topology.graph() }),
    )
    .route(
      {
        method: 'get',
        path: '/api/camera-topology/person/:person_name/transitions',
        tag: 'camera-topology',
        summary:
          "A person's moves between videos, in annotation order (empty for a name no detection carries)",
        params: topologyPersonParams,
        response: transitionsResponse,
      },
      async ({ params }) => ({ success: true, transitions: await topology.transitions(params.person_name) }),
    )
    .route(
      {
        method: 'get',
        path: '/api/camera-topology/person/:person_name/path',
        tag: 'camera-topology',
        summary: "A person's path across cameras: first detection, then one step per transition",
        params: topologyPersonParams,
        response: personPathResponse,
      },
      async ({ params }) => ({ success: true, path: await topology.path(params.person_name) }),
    )
    .route(
      {
        method: 'post',
        path: '/api/camera-topology/suggest-links',
        invalid: 'person_name required',
        tag: 'camera-topology',
        summary:
          'Unassigned detections that may be this person: other videos within the time window of a known ' +
          'detection, scored by learned camera transitions and closeness in time',
        body: suggestLinksBody,
        response: suggestLinksResponse,
      },
      async ({ body }) => ({ success: true, suggestions: await topology.suggestLinks(body) }),
    );
}
