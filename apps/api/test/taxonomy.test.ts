import Database from 'better-sqlite3';
import request from 'supertest';
import { sharedPath } from '@groundtruth/db/testing';
import { loadLegacyFixture } from './fixture';
import { startTestApp, type TestApp } from './harness';

type Row = Record<string, unknown>;

/** The seeded state of the legacy archive, without timestamps and without groups the routes create on demand. */
function legacySeededState(): { groups: Row[]; options: Row[]; suggestions: Row[] } {
  const sqlite = new Database(sharedPath('fixtures/legacy/video_archive.db'), { readonly: true });
  try {
    return {
      groups: sqlite
        .prepare(
          `SELECT id, group_name, display_name, group_type, description, is_required, applies_to, sort_order
           FROM tag_groups WHERE group_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY id`,
        )
        .all() as Row[],
      options: sqlite
        .prepare(
          `SELECT id, group_id, option_value, display_text, is_negative, description, sort_order
           FROM tag_options ORDER BY id`,
        )
        .all() as Row[],
      suggestions: sqlite
        .prepare(
          'SELECT id, category, tag_text, is_negative, description, sort_order FROM tag_suggestions ORDER BY id',
        )
        .all() as Row[],
    };
  } finally {
    sqlite.close();
  }
}

async function seededState(t: TestApp): Promise<{ groups: Row[]; options: Row[]; suggestions: Row[] }> {
  const query = async (sql: string) => (await t.context.db.pool.query(sql)).rows as Row[];
  return {
    groups: await query(
      `SELECT id, group_name, display_name, group_type, description, is_required::int AS is_required, applies_to,
              sort_order FROM tag_groups ORDER BY id`,
    ),
    options: await query(
      `SELECT id, group_id, option_value, display_text, is_negative::int AS is_negative, description, sort_order
       FROM tag_options ORDER BY id`,
    ),
    suggestions: await query(
      `SELECT id, category, tag_text, is_negative::int AS is_negative, description, sort_order
       FROM tag_suggestions ORDER BY id`,
    ),
  };
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('taxonomy and tag suggestion routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  describe('POST /api/tag-taxonomy/seed and /api/tag-suggestions/seed', () => {
    it('reproduce the legacy archive field for field on an empty database', async () => {
      const taxonomy = await request(t.app).post('/api/tag-taxonomy/seed').expect(200);
      expect(taxonomy.body).toEqual({
        success: true,
        message: '29 tag groups seeded successfully',
        groups_created: 29,
        options_created: 123,
      });
      const suggestions = await request(t.app).post('/api/tag-suggestions/seed').expect(200);
      expect(suggestions.body).toEqual({
        success: true,
        message: 'Default tag suggestions added',
        added: 17,
      });
      expect(await seededState(t)).toEqual(legacySeededState());
    });

    it('are idempotent', async () => {
      const before = await seededState(t);
      const taxonomy = await request(t.app).post('/api/tag-taxonomy/seed').expect(200);
      expect(taxonomy.body).toMatchObject({ success: true, groups_created: 0, options_created: 0 });
      const suggestions = await request(t.app).post('/api/tag-suggestions/seed').expect(200);
      expect(suggestions.body.added).toBe(0);
      expect(await seededState(t)).toEqual(before);
    });
  });

  describe('tag groups', () => {
    it('lists every group with ordered options in the legacy shape', async () => {
      const res = await request(t.app).get('/api/tag-groups').expect(200);
      expect(res.body.success).toBe(true);
      expect(res.body.groups).toHaveLength(29);
      const [first] = res.body.groups;
      expect(first).toEqual({
        id: 1,
        group_name: 'ground_truth',
        display_name: 'Ground Truth',
        group_type: 'dropdown',
        description: 'Select the primary classification',
        is_required: 1,
        applies_to: 'both',
        sort_order: 1,
        created_date: expect.stringMatching(TIMESTAMP),
        options: expect.any(Array),
      });
      expect(first.options[0]).toEqual({
        id: 1,
        group_id: 1,
        option_value: 'power_loading',
        display_text: 'Power Loading',
        is_negative: 0,
        description: 'Boat being loaded using motor power',
        sort_order: 1,
        created_date: expect.stringMatching(TIMESTAMP),
      });
      const sortOrders = res.body.groups.map((group: { sort_order: number }) => group.sort_order);
      expect(sortOrders).toEqual([...sortOrders].sort((a, b) => a - b));
    });

    it('filters by annotation type (its own groups and "both")', async () => {
      const res = await request(t.app).get('/api/tag-groups?annotation_type=time_range').expect(200);
      const appliesTo = new Set(res.body.groups.map((group: { applies_to: string }) => group.applies_to));
      expect([...appliesTo].sort()).toEqual(['both', 'time_range']);
    });

    it('gives an unknown annotation type the "both" groups (legacy 200)', async () => {
      const res = await request(t.app).get('/api/tag-groups?annotation_type=video').expect(200);
      const appliesTo = new Set(res.body.groups.map((group: { applies_to: string }) => group.applies_to));
      expect([...appliesTo]).toEqual(['both']);
      expect(res.body.groups.length).toBeGreaterThan(0);
    });

    it('gets one group by name, 404 when unknown', async () => {
      const res = await request(t.app).get('/api/tag-groups/motor_state').expect(200);
      expect(res.body.group).toMatchObject({ group_name: 'motor_state', options: expect.any(Array) });
      expect(res.body.group.options).toHaveLength(4);
      const missing = await request(t.app).get('/api/tag-groups/no_such_group').expect(404);
      expect(missing.body).toEqual({ success: false, error: 'Tag group not found' });
    });
  });

  describe('GET /api/tag-schema', () => {
    beforeAll(async () => {
      await t.context.db.prisma.tagGroup.create({
        data: {
          groupName: '_scenario_data',
          displayName: 'Scenario Data',
          groupType: 'text',
          appliesTo: 'both',
          sortOrder: 999,
        },
      });
    });
    const names = (res: request.Response) =>
      res.body.groups.map((group: { group_name: string }) => group.group_name);

    it('hides internal groups and scenario-specific groups by default', async () => {
      const res = await request(t.app).get('/api/tag-schema?annotation_type=keyframe').expect(200);
      expect(names(res)).not.toContain('_scenario_data');
      expect(names(res)).not.toContain('false_positive_power_loading');
      expect(names(res)).not.toContain('vehicle_type');
      expect(names(res)).toContain('boat_type');
    });

    it('shows the groups of the chosen ground truth and polarity', async () => {
      const negative = await request(t.app)
        .get('/api/tag-schema?annotation_type=time_range&ground_truth=power_loading&is_negative=true')
        .expect(200);
      expect(names(negative)).toEqual(
        expect.arrayContaining(['false_positive_power_loading', 'absent_indicators', 'violation_context']),
      );
      expect(names(negative)).not.toContain('present_indicators');
      const face = await request(t.app)
        .get('/api/tag-schema?ground_truth=face_detected&is_negative=1')
        .expect(200);
      // only the exact string "true" counts as negative
      expect(names(face)).toEqual(expect.arrayContaining(['face_angle', 'face_obstruction']));
      expect(names(face)).not.toContain('false_positive_license_plate');
    });

    it('gives an unknown annotation type the "both" groups of the scenario (legacy 200)', async () => {
      const res = await request(t.app).get('/api/tag-schema?annotation_type=nope').expect(200);
      const appliesTo = new Set(res.body.groups.map((group: { applies_to: string }) => group.applies_to));
      expect([...appliesTo]).toEqual(['both']);
    });
  });

  describe('tag suggestions', () => {
    let createdId: number;

    it('creates a suggestion with trimmed text', async () => {
      const res = await request(t.app)
        .post('/api/tag-suggestions')
        .send({ category: '  boats ', tag_text: ' Wake surfing ', is_negative: true, sort_order: 3 })
        .expect(200);
      expect(res.body).toEqual({ success: true, suggestion_id: expect.any(Number) });
      createdId = res.body.suggestion_id;
      const row = await t.context.db.prisma.tagSuggestion.findUniqueOrThrow({ where: { id: createdId } });
      expect(row).toMatchObject({
        category: 'boats',
        tagText: 'Wake surfing',
        isNegative: true,
        sortOrder: 3,
      });
    });

    it('requires category and tag_text, and types its fields', async () => {
      const missing = await request(t.app)
        .post('/api/tag-suggestions')
        .send({ category: 'x', tag_text: '  ' });
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ success: false, error: 'category and tag_text required' });
      const wrongType = await request(t.app)
        .post('/api/tag-suggestions')
        .send({ category: 'x', tag_text: 'y', is_negative: 'false' })
        .expect(400);
      expect(wrongType.body.error).toContain('is_negative');
      const notJson = await request(t.app).post('/api/tag-suggestions').type('text').send('x').expect(415);
      expect(notJson.body.success).toBe(false);
    });

    it('lists by category and all, ordered, in the legacy shape', async () => {
      const boats = await request(t.app).get('/api/tag-suggestions?category=boats').expect(200);
      expect(boats.body.suggestions).toEqual([
        {
          id: createdId,
          category: 'boats',
          tag_text: 'Wake surfing',
          is_negative: 1,
          description: null,
          sort_order: 3,
          created_date: expect.stringMatching(TIMESTAMP),
        },
      ]);
      const all = await request(t.app).get('/api/tag-suggestions').expect(200);
      expect(all.body.suggestions).toHaveLength(18);
      const categories = all.body.suggestions.map((s: { category: string }) => s.category);
      expect(categories).toEqual([...categories].sort());
      const cats = await request(t.app).get('/api/tag-suggestions/categories').expect(200);
      expect(cats.body).toEqual({
        success: true,
        categories: ['boats', 'license_plate', 'person_face', 'power_loading'],
      });
    });

    it('updates given fields only; soft failure when unknown or empty', async () => {
      await request(t.app)
        .put(`/api/tag-suggestions/${createdId}`)
        .send({ description: 'riding the wake', tag_text: null })
        .expect(200, { success: true });
      const row = await t.context.db.prisma.tagSuggestion.findUniqueOrThrow({ where: { id: createdId } });
      expect(row).toMatchObject({ description: 'riding the wake', tagText: 'Wake surfing' });
      const nothing = await request(t.app).put(`/api/tag-suggestions/${createdId}`).send({}).expect(200);
      expect(nothing.body.success).toBe(false);
      const unknown = await request(t.app)
        .put('/api/tag-suggestions/999999')
        .send({ category: 'z' })
        .expect(200);
      expect(unknown.body).toEqual({ success: false, error: 'Suggestion not found or nothing to update' });
      const bad = await request(t.app)
        .put(`/api/tag-suggestions/${createdId}`)
        .send({ sort_order: 'x' })
        .expect(400);
      expect(bad.body.error).toContain('sort_order');
      await request(t.app).put('/api/tag-suggestions/abc').send({}).expect(404);
    });

    it('deletes; soft failure when unknown', async () => {
      await request(t.app).delete(`/api/tag-suggestions/${createdId}`).expect(200, { success: true });
      expect(await t.context.db.prisma.tagSuggestion.count({ where: { id: createdId } })).toBe(0);
      const again = await request(t.app).delete(`/api/tag-suggestions/${createdId}`).expect(200);
      expect(again.body).toEqual({ success: false, error: 'Suggestion not found' });
      await request(t.app).delete('/api/tag-suggestions/-1').expect(404);
    });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const res = await request(t.app).get('/api/openapi.json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/tag-suggestions/{suggestionId}',
        '/api/tag-groups/{groupName}',
        '/api/tag-schema',
        '/api/vibration/tags',
        '/api/sync/unifi/config',
      ]),
    );
    const params = res.body.paths['/api/tag-groups'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(['annotation_type']);
  });

  describe('GET /api/vibration/tags', () => {
    it('counts time-range tag names, most frequent first', async () => {
      const video = await t.context.db.prisma.video.create({ data: { filename: 'v.mp4' } });
      await t.context.db.prisma.timeRangeTag.createMany({
        data: [
          { videoId: video.id, tagName: 'bearing_fault', startTime: 0, isNegative: true },
          { videoId: video.id, tagName: 'bearing_fault', startTime: 1 },
          { videoId: video.id, tagName: 'bearing_fault', startTime: 2, isNegative: true },
          { videoId: video.id, tagName: 'normal', startTime: 3 },
        ],
      });
      const res = await request(t.app).get('/api/vibration/tags').expect(200);
      expect(res.body).toEqual({
        success: true,
        tags: [
          { tag_name: 'bearing_fault', count: 3, negative_count: 2 },
          { tag_name: 'normal', count: 1, negative_count: 0 },
        ],
      });
    });
  });
});

describe('taxonomy on a database migrated from the legacy archive', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await loadLegacyFixture(t.context.db.pool);
  });
  afterAll(() => t.close());

  it('seeding adds nothing to the already seeded archive', async () => {
    const res = await request(t.app).post('/api/tag-taxonomy/seed').expect(200);
    expect(res.body).toMatchObject({ success: true, groups_created: 0, options_created: 0 });
    expect(await t.context.db.prisma.tagOption.count()).toBe(123);
  });

  it("serves the archive's groups, with the internal _scenario_data group left out of the form schema", async () => {
    const groups = await request(t.app).get('/api/tag-groups').expect(200);
    expect(groups.body.groups).toHaveLength(30);
    const schema = await request(t.app).get('/api/tag-schema?annotation_type=time_range').expect(200);
    const names = schema.body.groups.map((group: { group_name: string }) => group.group_name);
    expect(names).not.toContain('_scenario_data');
    expect(names[0]).toBe('ground_truth');
  });
});
