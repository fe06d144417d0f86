import { z } from 'zod';
import { bodyId, indexedText, int32, queryInt } from '../shared/input';
import { vibrationExportResult } from '../vibration/jobs';
import { jsonValueText } from '../shared/legacy-format';
import { yoloExportResult } from '../yolo/jobs';

/** The training queue's rows, requests and answers (api.md §4.8). */

/** training_jobs lifecycle: uploading → queued → processing → completed | failed; cancelled by the user. */
export type TrainingStatus =
  'pending' | 'uploading' | 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';

/** A `training_jobs` row: the JSONB columns as their JSON text plus the parsed value, as the legacy API did. */
export const trainingJobRowSchema = z.object({
  id: z.number(),
  job_id: z.string(),
  job_type: z.string(),
  status: z.string(),
  s3_uri: z.string().nullable(),
  config_json: z.string().nullable(),
  result_json: z.string().nullable(),
  error_message: z.string().nullable(),
  submitted_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  export_config_id: z.number().nullable(),
  config: z.unknown().optional(),
  result: z.unknown().optional(),
});
export type TrainingJobRow = z.infer<typeof trainingJobRowSchema>;

export const trainingQueueStatusSchema = z.object({
  queue_messages: z.number().nullable(),
  queue_in_flight: z.number().nullable(),
  dlq_messages: z.number().nullable(),
  error: z.string().optional(),
});
export type TrainingQueueStatus = z.infer<typeof trainingQueueStatusSchema>;

// ---- requests

export const trainingJobParams = z.object({ job_id: indexedText().min(1) });

const intQuery = (fallback: number) => queryInt.optional().transform((value) => value ?? fallback);
export const listTrainingJobsQuery = z.object({ limit: intQuery(50), offset: intQuery(0) });

export const submitTrainingBody = z.object({
  job_type: z.string().min(1).default('yolo-training'),
  config: z.record(z.string(), z.unknown()).default({}),
  export_config_id: bodyId.optional(),
  export_path: z.string().min(1).optional(),
  output_name: z.string().min(1).optional(),
});
export type SubmitTraining = z.output<typeof submitTrainingBody>;

export const exportAndTrainBody = z.object({
  job_type: z.string().default('yolo'),
  export_config_id: bodyId.optional(),
  output_name: z.string().min(1).optional(),
  tag_filter: z.string().min(1).optional(),
  formats: z.array(z.enum(['csv', 'parquet'])).optional(),
  val_split: z.number().min(0).max(1).default(0.2),
  seed: int32.default(42),
  model_type: z.string().optional(),
  epochs: int32.positive().default(100),
  labels: z.union([z.string(), z.array(z.string())]).default(''),
});
export type ExportAndTrain = z.output<typeof exportAndTrainBody>;

/** A field of a worker callback's body; the body may be absent or any JSON. */
const callbackField = (name: string) =>
  z.unknown().transform((body): unknown => z.object({ [name]: z.unknown() }).safeParse(body).data?.[name]);

/** `POST …/complete`: the worker's `result`, stored as given (absent: none). */
export const completeTrainingBody = callbackField('result');

/** `POST …/fail`: the worker's `error` as text ('Unknown error' when absent or empty). */
export const failTrainingBody = callbackField('error').transform((given: unknown) =>
  given === undefined || given === null || given === '' ? 'Unknown error' : jsonValueText(given),
);

// ---- responses

export const submitTrainingResponse = z.object({
  success: z.literal(true),
  job_id: z.string(),
  s3_uri: z.string().nullable(),
  status: z.literal('uploading'),
});
export type SubmittedTraining = z.infer<typeof submitTrainingResponse>;

export const listTrainingJobsResponse = z.object({
  success: z.literal(true),
  jobs: z.array(trainingJobRowSchema),
});
export const trainingJobResponse = z.object({ success: z.literal(true), job: trainingJobRowSchema });
export const trainingQueueStatusResponse = trainingQueueStatusSchema.extend({ success: z.literal(true) });

/** The answer of a state change by a worker or the user. */
export const trainingJobStatusResponse = (status: 'completed' | 'failed' | 'cancelled') =>
  z.object({ success: z.literal(true), job_id: z.string(), status: z.literal(status) });

export const claimTrainingJobResponse = z.object({
  success: z.boolean(),
  cancelled: z.boolean(),
  job_id: z.string(),
});
export const deleteTrainingJobResponse = z.object({ success: z.literal(true), job_id: z.string() });

export const exportResultSchema = z.union([yoloExportResult, vibrationExportResult]);
export type ExportResult = z.infer<typeof exportResultSchema>;

export const exportAndTrainResponse = z.object({
  success: z.literal(true),
  job: submitTrainingResponse,
  export_result: exportResultSchema,
  message: z.string(),
});
export type ExportAndTrainAnswer = z.infer<typeof exportAndTrainResponse>;
