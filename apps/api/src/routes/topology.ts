import { z } from 'zod';
import {
  cameraGraph,
  personExists,
  personPath,
  personTransitions,
  suggestTrackLinks,
} from '@groundtruth/domain';
import type { AppContext } from '../context';
import { notFound } from '../errors';
import { ApiRouter } from '../route';

const personParams = z.object({ person_name: z.string().trim().min(1, 'must not be empty') });

const transitionSchema = z.object({
  person_name: z.string(),
  from_video_id: z.number(),
  from_camera: z.string(),
  from_timestamp: z.number(),
  to_video_id: z.number(),
  to_camera: z.string(),
  to_timestamp: z.number(),
  time_delta_seconds: z.number().nullable(),
  from_detection_id: z.number(),
  to_detection_id: z.number(),
});

export function topologyRoutes({ db }: AppContext): ApiRouter {
  const api = new ApiRouter();

  async function requirePerson(name: string): Promise<void> {
    if (!(await personExists(db, name))) throw notFound(`Person not found: ${name}`);
  }

  api.route(
    {
      method: 'get',
      path: '/api/camera-topology/graph',
      tag: 'camera-topology',
      summary:
        'Cameras (nodes) and person transitions between them (edges), learned from named person detections',
      response: z.object({
        success: z.literal(true),
        graph: z.object({
          nodes: z.array(
            z.object({
              id: z.string(),
              label: z.string(),
              detection_count: z.number(),
              people_count: z.number(),
            }),
          ),
          edges: z.array(
            z.object({
              from: z.string(),
              to: z.string(),
              transition_count: z.number(),
              avg_time_seconds: z.number(),
              min_time_seconds: z.number(),
              max_time_seconds: z.number(),
              people_count: z.number(),
            }),
          ),
          total_transitions: z.number(),
          unique_people: z.number(),
        }),
      }),
    },
    async () => ({ success: true, graph: await cameraGraph(db) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/camera-topology/person/:person_name/transitions',
      tag: 'camera-topology',
      summary: "A person's moves between videos, in annotation order; 404 for a name no detection carries",
      params: personParams,
      response: z.object({ success: z.literal(true), transitions: z.array(transitionSchema) }),
    },
    async ({ params }) => {
      await requirePerson(params.person_name);
      return { success: true, transitions: await personTransitions(db, params.person_name) };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/camera-topology/person/:person_name/path',
      tag: 'camera-topology',
      summary: "A person's path across cameras: first detection, then one step per transition",
      params: personParams,
      response: z.object({
        success: z.literal(true),
        path: z.array(
          z.object({
            sequence: z.number(),
            camera: z.string(),
            video_id: z.number(),
            timestamp: z.number(),
            detection_id: z.number(),
            event: z.enum(['first_detection', 'transition']),
            from_camera: z.string().optional(),
            transition_time_seconds: z.number().nullable().optional(),
          }),
        ),
      }),
    },
    async ({ params }) => {
      await requirePerson(params.person_name);
      return { success: true, path: await personPath(db, params.person_name) };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/camera-topology/suggest-links',
      tag: 'camera-topology',
      summary:
        'Unassigned detections that may be this person: other videos within the time window of a known ' +
        'detection, scored by learned camera transitions and closeness in time',
      body: z.object({
        person_name: z.string({ error: 'person_name required' }).trim().min(1, 'person_name required'),
        time_window_seconds: z
          .number({ error: 'expected a number of seconds' })
          .positive('must be positive')
          .max(7 * 86_400, 'at most 7 days')
          .default(300),
        limit: z.number().int().min(1).max(10_000).default(1000),
      }),
      response: z.object({
        success: z.literal(true),
        suggestions: z.array(
          z.object({
            unknown_detection_id: z.number(),
            unknown_video_id: z.number(),
            unknown_camera: z.string(),
            unknown_timestamp: z.number(),
            related_detection_id: z.number(),
            related_camera: z.string(),
            time_delta_seconds: z.number(),
            confidence: z.number(),
            reasoning: z.array(z.string()),
          }),
        ),
      }),
    },
    async ({ body }) => {
      await requirePerson(body.person_name);
      return {
        success: true,
        suggestions: await suggestTrackLinks(db, body.person_name, body.time_window_seconds, body.limit),
      };
    },
  );

  return api;
}
