import {
  claimTrainingJobResponse,
  completeTrainingBody,
  deleteTrainingJobResponse,
  exportAndTrainBody,
  exportAndTrainResponse,
  failTrainingBody,
  listTrainingJobsQuery,
  listTrainingJobsResponse,
  submitTrainingBody,
  submitTrainingResponse,
  trainingJobParams,
  trainingJobResponse,
  trainingJobStatusResponse,
  trainingQueueStatusResponse,
} from '@groundtruth/domain';
import type { RouteContext } from '../context';
import { ApiRouter, validate } from '../route';

const TAG = 'training';

/** Training queue (api.md §4.8): the training_jobs lifecycle, the GPU worker's callbacks, dispatch as a job. */
export function trainingRoutes({ services }: RouteContext): ApiRouter {
  const { training } = services;
  return (
    new ApiRouter()
      .route(
        {
          method: 'post',
          path: '/api/training/submit',
          tag: TAG,
          summary: 'Create a training job; the worker exports (if asked), uploads and dispatches it',
          body: submitTrainingBody,
          response: submitTrainingResponse,
        },
        ({ body }) => training.submit(body),
      )
      .route(
        {
          method: 'get',
          path: '/api/training/jobs',
          tag: TAG,
          summary: 'Training jobs, newest first',
          query: listTrainingJobsQuery,
          response: listTrainingJobsResponse,
        },
        async ({ query }) => ({ success: true, jobs: await training.list(query.limit, query.offset) }),
      )
      .route(
        {
          method: 'get',
          path: '/api/training/queue-status',
          tag: TAG,
          summary: 'Messages waiting / in flight on the training queue and its dead-letter queue',
          response: trainingQueueStatusResponse,
        },
        async () => ({ success: true, ...(await training.queueStatus()) }),
      )
      .route(
        {
          method: 'get',
          path: '/api/training/jobs/:job_id',
          tag: TAG,
          summary: 'One training job',
          params: trainingJobParams,
          response: trainingJobResponse,
        },
        async ({ params }) => ({ success: true, job: await training.get(params.job_id) }),
      )
      // The worker's callbacks may come without a body: it is read, never required.
      .route(
        {
          method: 'post',
          path: '/api/training/jobs/:job_id/complete',
          tag: TAG,
          summary: 'Worker callback: the job completed (body {result}, optional)',
          params: trainingJobParams,
          documentedBody: { contentType: 'application/json', schema: completeTrainingBody },
          response: trainingJobStatusResponse('completed'),
        },
        async ({ params, req }) => {
          await training.complete(params.job_id, validate(completeTrainingBody, req.body, 'body'));
          return { success: true, job_id: params.job_id, status: 'completed' };
        },
      )
      .route(
        {
          method: 'post',
          path: '/api/training/jobs/:job_id/fail',
          tag: TAG,
          summary: 'Worker callback: the job failed (body {error}, optional)',
          params: trainingJobParams,
          documentedBody: { contentType: 'application/json', schema: failTrainingBody },
          response: trainingJobStatusResponse('failed'),
        },
        async ({ params, req }) => {
          await training.fail(params.job_id, validate(failTrainingBody, req.body, 'body'));
          return { success: true, job_id: params.job_id, status: 'failed' };
        },
      )
      .route(
        {
          method: 'post',
          path: '/api/training/jobs/:job_id/cancel',
          tag: TAG,
          summary: 'Cancel a job (the worker learns it through /processing)',
          params: trainingJobParams,
          response: trainingJobStatusResponse('cancelled'),
        },
        async ({ params }) => {
          await training.cancel(params.job_id);
          return { success: true, job_id: params.job_id, status: 'cancelled' };
        },
      )
      .route(
        {
          method: 'post',
          path: '/api/training/jobs/:job_id/processing',
          tag: TAG,
          summary: 'Worker claim: queued/uploading → processing; tells the worker when the job was cancelled',
          params: trainingJobParams,
          response: claimTrainingJobResponse,
        },
        ({ params }) => training.claim(params.job_id),
      )
      .route(
        {
          method: 'delete',
          path: '/api/training/jobs/:job_id',
          tag: TAG,
          summary: 'Delete a job row (uploaded data stays)',
          params: trainingJobParams,
          response: deleteTrainingJobResponse,
        },
        async ({ params }) => {
          await training.delete(params.job_id);
          return { success: true, job_id: params.job_id };
        },
      )
      .route(
        {
          method: 'post',
          path: '/api/training/export-and-train',
          tag: TAG,
          summary: 'Export a dataset (YOLO or vibration) and submit a training job for it',
          body: exportAndTrainBody,
          response: exportAndTrainResponse,
        },
        ({ body }) => training.exportAndTrain(body),
      )
  );
}
