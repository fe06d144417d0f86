import { z } from 'zod';

/** Cameras (nodes) and the people's transitions between them (edges), api.md §4.3. */
export const cameraGraphSchema = z.object({
  nodes: z.array(
    z.object({ id: z.string(), label: z.string(), detection_count: z.number(), people_count: z.number() }),
  ),
  edges: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      /** = from / to: d3.forceLink in the unchanged camera_topology.html reads source and target (api.md route 48). */
      source: z.string(),
      target: z.string(),
      transition_count: z.number(),
      avg_time_seconds: z.number(),
      min_time_seconds: z.number(),
      max_time_seconds: z.number(),
      people_count: z.number(),
    }),
  ),
  total_transitions: z.number(),
  unique_people: z.number(),
});
export type CameraGraph = z.infer<typeof cameraGraphSchema>;

/** A person's move between two videos: consecutive detections, in annotation order. */
export const transitionSchema = z.object({
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
export type Transition = z.infer<typeof transitionSchema>;

const pathStepFields = {
  sequence: z.number(),
  camera: z.string(),
  video_id: z.number(),
  timestamp: z.number(),
  detection_id: z.number(),
};

/** One step of a person's path: the first detection, then one per transition. */
export const pathStepSchema = z.discriminatedUnion('event', [
  z.object({ ...pathStepFields, event: z.literal('first_detection') }),
  z.object({
    ...pathStepFields,
    event: z.literal('transition'),
    from_camera: z.string(),
    transition_time_seconds: z.number().nullable(),
  }),
]);
export type PathStep = z.infer<typeof pathStepSchema>;

/** An unassigned detection that may be this person, with the legacy score and its reasons. */
export const linkSuggestionSchema = z.object({
  unknown_detection_id: z.number(),
  unknown_video_id: z.number(),
  unknown_camera: z.string(),
  unknown_timestamp: z.number(),
  related_detection_id: z.number(),
  related_camera: z.string(),
  time_delta_seconds: z.number(),
  confidence: z.number(),
  reasoning: z.array(z.string()),
});
export type LinkSuggestion = z.infer<typeof linkSuggestionSchema>;

// ---- requests

export const topologyPersonParams = z.object({ person_name: z.string().trim().min(1, 'must not be empty') });

export const suggestLinksBody = z.object({
  person_name: z.string({ error: 'person_name required' }).trim().min(1, 'person_name required'),
  time_window_seconds: z
    .number({ error: 'expected a number of seconds' })
    .positive('must be positive')
    .max(7 * 86_400, 'at most 7 days')
    .default(300),
  limit: z.number().int().min(1).max(10_000).default(1000),
});
export type SuggestLinksRequest = z.output<typeof suggestLinksBody>;

// ---- responses

export const cameraGraphResponse = z.object({ success: z.literal(true), graph: cameraGraphSchema });
export const transitionsResponse = z.object({
  success: z.literal(true),
  transitions: z.array(transitionSchema),
});
export const personPathResponse = z.object({ success: z.literal(true), path: z.array(pathStepSchema) });
export const suggestLinksResponse = z.object({
  success: z.literal(true),
  suggestions: z.array(linkSuggestionSchema),
});
