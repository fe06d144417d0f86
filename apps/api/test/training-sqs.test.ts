import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { JobRunner } from '@groundtruth/jobs';
import { startFakeAws, type FakeAws } from './fake-aws';
import { startTestApp, startTestRunner, type TestApp } from './harness';

// The SDK's credential chain must find these in the environment (it never reaches for instance metadata then).
process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

describe('training dispatch over S3 + SQS (local fakes speaking the AWS protocols)', () => {
  let aws: FakeAws;
  let t: TestApp;
  let runner: JobRunner;
  let exportDir: string;
  let queueUrl: string;

  beforeAll(async () => {
    aws = await startFakeAws();
    queueUrl = `${aws.url}/000000000000/training`;
    exportDir = mkdtempSync(path.join(os.tmpdir(), 'gt-sqs-'));
    mkdirSync(path.join(exportDir, 'train', 'labels'), { recursive: true });
    writeFileSync(path.join(exportDir, 'data.yaml'), 'nc: 1\n');
    writeFileSync(path.join(exportDir, 'train', 'labels', 'a.txt'), '0 0.5 0.5 0.1 0.1\n');
    t = await startTestApp({
      TRAINING_BACKEND: 'sqs',
      EXPORTS_DIR: exportDir,
      AWS_ENDPOINT_URL: aws.url,
      AWS_REGION: 'us-east-2',
      SQS_QUEUE_URL: queueUrl,
      SQS_DLQ_URL: `${aws.url}/000000000000/training-dlq`,
    });
    runner = startTestRunner(t, t.context.services.training.processors);
  });
  afterAll(async () => {
    await runner.close();
    await t.close();
    await aws.close();
    rmSync(exportDir, { recursive: true, force: true });
  });

  async function settled(jobId: string) {
    for (let i = 0; i < 200; i++) {
      const job = (await request(t.app).get(`/api/training/jobs/${jobId}`)).body.job;
      if (job.status !== 'uploading') return job;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('job never left uploading');
  }

  it('uploads every export file to S3, sends the legacy SQS message, then marks the job queued', async () => {
    const res = await request(t.app)
      .post('/api/training/submit')
      .send({ job_type: 'yolo-training', config: { epochs: 5 }, export_path: exportDir });
    const jobId: string = res.body.job_id;
    expect((await settled(jobId)).status).toBe('queued');
    expect([...aws.objects.keys()].sort()).toEqual([
      `groundtruth-studio/training-jobs/${jobId}/data.yaml`,
      `groundtruth-studio/training-jobs/${jobId}/train/labels/a.txt`,
    ]);
    expect(aws.objects.get(`groundtruth-studio/training-jobs/${jobId}/data.yaml`)?.toString()).toBe(
      'nc: 1\n',
    );
    const [body] = aws.messages.get(queueUrl) ?? [];
    const message = JSON.parse(body!) as Record<string, unknown>;
    expect(message).toEqual({
      job_id: jobId,
      type: 'yolo-training',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      data_uri: `s3://groundtruth-studio/training-jobs/${jobId}/`,
      config: { epochs: 5 },
      callback_url: `/api/training/jobs/${jobId}/complete`,
    });
  });

  it('reports the SQS queue depths', async () => {
    aws.attributes.set(queueUrl, {
      ApproximateNumberOfMessages: '3',
      ApproximateNumberOfMessagesNotVisible: '1',
    });
    aws.attributes.set(`${aws.url}/000000000000/training-dlq`, { ApproximateNumberOfMessages: '2' });
    const res = await request(t.app).get('/api/training/queue-status');
    expect(res.body).toEqual({ success: true, queue_messages: 3, queue_in_flight: 1, dlq_messages: 2 });
  });

  it('an AWS error fails the job with the AWS message and shows in queue-status', async () => {
    aws.failWith = { status: 403, code: 'AccessDenied', message: 'Access Denied' };
    try {
      const res = await request(t.app).post('/api/training/submit').send({ export_path: exportDir });
      const job = await settled(res.body.job_id);
      expect(job.status).toBe('failed');
      expect(job.error_message).toMatch(/^AWS error: .*Access Denied/);
      const status = await request(t.app).get('/api/training/queue-status');
      expect(status.body).toMatchObject({
        success: true,
        queue_messages: null,
        queue_in_flight: null,
        dlq_messages: null,
      });
      expect(status.body.error).toMatch(/^AWS error: /);
    } finally {
      delete aws.failWith;
    }
  });
});
