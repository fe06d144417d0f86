import {
  DEFAULT_TAG_SUGGESTIONS,
  getTagGroupByName,
  listTagGroups,
  tagSchema,
  TAXONOMY_GROUPS,
  TaxonomyService,
} from '../src';
import { openTestDatabase } from './open-test-database';

describe('taxonomy and suggestion seeds', () => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let taxonomy: TaxonomyService;
  beforeAll(async () => {
    db = await openTestDatabase('domain-taxonomy');
    taxonomy = new TaxonomyService({ db });
  });
  afterAll(() => db.close());

  it('holds the legacy 29 groups / 123 options / 17 suggestions', () => {
    expect(TAXONOMY_GROUPS).toHaveLength(29);
    expect(TAXONOMY_GROUPS.reduce((sum, group) => sum + group.options.length, 0)).toBe(123);
    expect(DEFAULT_TAG_SUGGESTIONS).toHaveLength(17);
  });

  it('seeds the taxonomy once; concurrent and repeated seeds add nothing', async () => {
    const results = await Promise.all([taxonomy.seedTaxonomy(), taxonomy.seedTaxonomy()]);
    expect(results).toEqual(
      expect.arrayContaining([
        { groupsCreated: 29, optionsCreated: 123 },
        { groupsCreated: 0, optionsCreated: 0 },
      ]),
    );
    expect(await taxonomy.seedTaxonomy()).toEqual({ groupsCreated: 0, optionsCreated: 0 });
    expect(await db.prisma.tagGroup.count()).toBe(29);
    expect(await db.prisma.tagOption.count()).toBe(123);
  });

  it('restores a deleted option without touching the rest', async () => {
    const group = await db.prisma.tagGroup.findUniqueOrThrow({ where: { groupName: 'motor_state' } });
    await db.prisma.tagOption.deleteMany({ where: { groupId: group.id, sortOrder: 1 } });
    expect(await taxonomy.seedTaxonomy()).toEqual({ groupsCreated: 0, optionsCreated: 1 });
    expect(await db.prisma.tagOption.count()).toBe(123);
  });

  it('lists groups with ordered options and filters by annotation type', async () => {
    const all = await listTagGroups(db);
    expect(all.map((group) => group.sort_order)).toEqual(
      [...all.map((g) => g.sort_order)].sort((a, b) => a! - b!),
    );
    const keyframe = await listTagGroups(db, 'keyframe');
    expect(keyframe.every((group) => ['keyframe', 'both'].includes(group.applies_to!))).toBe(true);
    expect(keyframe.some((group) => group.group_name === 'violation_context')).toBe(false);
    const groundTruth = await getTagGroupByName(db, 'ground_truth');
    expect(groundTruth?.options.map((option) => option.sort_order)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await getTagGroupByName(db, 'nope')).toBeNull();
  });

  it('builds the form schema for a scenario and hides internal groups', async () => {
    await db.prisma.tagGroup.create({
      data: {
        groupName: '_scenario_data',
        displayName: 'Scenario Data',
        groupType: 'text',
        appliesTo: 'both',
        sortOrder: 999,
      },
    });
    const names = async (query: Parameters<typeof tagSchema>[1]) =>
      (await tagSchema(db, query)).map((group) => group.group_name);
    const positive = await names({
      annotationType: 'time_range',
      groundTruth: 'power_loading',
      isNegative: false,
    });
    expect(positive).toEqual(
      expect.arrayContaining(['present_indicators', 'violation_context', 'motor_state']),
    );
    expect(positive).not.toEqual(expect.arrayContaining(['absent_indicators']));
    expect(positive.some((name) => name.startsWith('false_positive_') || name.startsWith('_'))).toBe(false);
    const negative = await names({
      annotationType: 'time_range',
      groundTruth: 'power_loading',
      isNegative: true,
    });
    expect(negative).toEqual(expect.arrayContaining(['absent_indicators', 'false_positive_power_loading']));
    expect(negative).not.toContain('present_indicators');
    const plate = await names({
      annotationType: 'keyframe',
      groundTruth: 'license_plate',
      isNegative: false,
    });
    expect(plate).toEqual(expect.arrayContaining(['vehicle_type', 'plate_state']));
    expect(plate).not.toContain('face_angle');
    expect(plate).not.toContain('violation_context');
  });

  it('seeds the default suggestions once', async () => {
    expect(await taxonomy.seedSuggestions()).toBe(17);
    expect(await taxonomy.seedSuggestions()).toBe(0);
    expect(await db.prisma.tagSuggestion.count()).toBe(17);
  });
});
