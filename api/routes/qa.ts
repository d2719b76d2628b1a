/**
 * QA scoring: scorecards defined by supervisors (criteria with weights and answer types), one score per reviewer
 * and call with notes (who, when), mean scores per agent or campaign over time, and calibration (several
 * reviewers' scores of the same call side by side). Reviewers see what they may see of calls: team leads their
 * team's; agents read their own averages.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { scorePercent, type AgentDirectory, type CallHistory, type QaScoreRow, type QaScorecardRow, type QaStore } from '../../engine/store/index.js';
import { callScope, type AuthService, type Principal } from '../auth/index.js';
import { queryDate, visibleUserIds, type TeamSource } from '../calls/index.js';
import { type ApiEnv, ApiError, jsonBody, jsonResponse, patternRule, protectedRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';

const tags = ['qa'];

const CRITERION_ID = /^[A-Za-z0-9_-]{1,40}$/;
const Criterion = z.object({
  id: z.string().regex(CRITERION_ID, patternRule(CRITERION_ID, 'criterion_id', 'letters, digits, "_" or "-", at most 40')),
  label: z.string().min(1).max(200),
  type: z.enum(['yesno', 'scale5', 'points']),
  weight: z.number().min(0).max(100),
  max: z.number().int().min(1).max(1000).optional(),
  /** The section the item is listed under (items of a section are kept together, in order). */
  section: z.string().trim().min(1).max(80).optional(),
  /** Yes/no items only: a "no" makes the whole score 0. */
  critical: z.boolean().optional(),
});
const CriteriaList = z
  .array(Criterion)
  .min(1)
  .max(50)
  .superRefine((cs, ctx) => {
    const seen = new Set<string>();
    cs.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'is used twice', params: { rule: 'criterion_id_twice' } });
      seen.add(c.id);
      if (c.type === 'points' && c.max === undefined) ctx.addIssue({ code: 'custom', path: [i, 'max'], message: 'is required for points', params: { rule: 'points_need_max' } });
      if (c.critical && c.type !== 'yesno') ctx.addIssue({ code: 'custom', path: [i, 'critical'], message: 'only a yes/no item can be critical', params: { rule: 'critical_only_yesno' } });
    });
    if (cs.every((c) => c.weight === 0)) ctx.addIssue({ code: 'custom', path: [], message: 'at least one criterion must weigh more than 0', params: { rule: 'some_weight' } });
  });

const ScorecardSchema = z
  .object({ id: z.string(), name: z.string(), criteria: z.array(Criterion), archived: z.boolean(), createdBy: z.string().nullable(), createdAt: z.number().int(), updatedAt: z.number().int() })
  .openapi('Scorecard');
const ScoreSchema = z
  .object({
    id: z.string(),
    callId: z.string(),
    scorecardId: z.string(),
    reviewerId: z.string(),
    reviewerName: z.string().nullable(),
    answers: z.record(z.string(), z.number()),
    criterionNotes: z.record(z.string(), z.string()),
    notes: z.string().nullable(),
    percent: z.number(),
    agentId: z.string().nullable(),
    campaignId: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('QaScore');

const idParam = z.strictObject({ id: z.string().min(1).max(64) });
const callParam = z.strictObject({ callId: z.string().min(1).max(64) });

const listCards = protectedRoute('qa.score', {
  method: 'get',
  path: '/api/qa/scorecards',
  tags,
  summary: 'Scorecards (archived ones with ?archived=true)',
  request: { query: z.strictObject({ archived: z.enum(['true', 'false']).optional() }) },
  responses: { 200: jsonResponse('Scorecards', z.object({ items: z.array(ScorecardSchema) })) },
});
const createCard = protectedRoute('qa.manage', {
  method: 'post',
  path: '/api/qa/scorecards',
  tags,
  summary: 'Defines a scorecard',
  request: { body: jsonBody(z.strictObject({ name: z.string().min(1).max(200), criteria: CriteriaList })) },
  responses: { 201: jsonResponse('The scorecard', ScorecardSchema) },
});
const updateCard = protectedRoute('qa.manage', {
  method: 'patch',
  path: '/api/qa/scorecards/{id}',
  tags,
  summary: 'Renames, changes criteria or archives a scorecard (scores already given keep their percentages)',
  request: { params: idParam, body: jsonBody(z.strictObject({ name: z.string().min(1).max(200).optional(), criteria: CriteriaList.optional(), archived: z.boolean().optional() })) },
  responses: { 200: jsonResponse('The scorecard', ScorecardSchema), 404: { description: 'No such scorecard' } },
});
const putScore = protectedRoute('qa.score', {
  method: 'put',
  path: '/api/recordings/{callId}/scores',
  tags,
  summary: 'Scores a call with a scorecard (one score per reviewer and scorecard; scoring again replaces it)',
  request: {
    params: callParam,
    body: jsonBody(
      z.strictObject({
        scorecardId: z.string().min(1).max(64),
        answers: z.record(z.string().max(40), z.number()),
        criterionNotes: z.record(z.string().max(40), z.string().max(2000)).default({}),
        notes: z.string().max(5000).nullable().default(null),
      }),
    ),
  },
  responses: { 200: jsonResponse('The score', ScoreSchema), 404: { description: 'No such call (or not yours to see) or scorecard' } },
});
const listScores = protectedRoute('recordings.read', {
  method: 'get',
  path: '/api/recordings/{callId}/scores',
  tags,
  summary: 'The scores of a call (agents: of their own calls)',
  request: { params: callParam },
  responses: { 200: jsonResponse('Scores', z.object({ items: z.array(ScoreSchema) })), 404: { description: 'No such call (or not yours to see)' } },
});
const averages = protectedRoute('recordings.read', {
  method: 'get',
  path: '/api/qa/averages',
  tags,
  summary: 'Mean QA score per agent or campaign and period (agents: their own; team leads: their team’s agents)',
  request: {
    query: z.strictObject({
      by: z.enum(['agent', 'campaign']),
      period: z.enum(['day', 'week', 'month']).default('week'),
      from: queryDate('start'),
      to: queryDate('end'),
      key: z.string().min(1).max(64).optional(),
    }),
  },
  responses: { 200: jsonResponse('Averages', z.object({ items: z.array(z.object({ key: z.string(), period: z.number().int(), average: z.number(), scores: z.number().int() })) })) },
});
const calibration = protectedRoute('qa.score', {
  method: 'get',
  path: '/api/qa/calibration',
  tags,
  summary: 'Calibration: calls scored by two or more reviewers; with call_id and scorecard_id, their scores side by side',
  request: { query: z.strictObject({ call_id: z.string().min(1).max(64).optional(), scorecard_id: z.string().min(1).max(64).optional() }) },
  responses: {
    200: jsonResponse(
      'Calls, or one call’s scores side by side',
      z.object({
        calls: z.array(z.object({ callId: z.string(), scorecardId: z.string(), reviewers: z.number().int(), spread: z.number() })),
        scores: z.array(ScoreSchema),
      }),
    ),
  },
});

const PERIOD_DAYS = { day: 1, week: 7, month: 30 } as const;

function cardOut(r: QaScorecardRow): z.infer<typeof ScorecardSchema> {
  return { id: r.id, name: r.name, criteria: r.criteria, archived: r.archived, createdBy: r.createdBy, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

/**
 * `qa`: where scorecards and scores live; `calls`: where the scored calls are looked up (the same database: over
 * PostgreSQL, the CallLogs the engine nodes wrote); `teams`: whose calls a team lead sees; `agents`: whose averages
 * agents and team leads read (#18).
 */
export interface QaRouteDeps {
  qa: QaStore;
  calls: Pick<CallHistory, 'detail'>;
  teams: TeamSource;
  agents: Pick<AgentDirectory, 'list'>;
  auth: AuthService;
}

export function qaRoutes({ qa, calls, teams, agents: directory, auth }: QaRouteDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  /** Scores as answered, each with its reviewer's username (one look-up per reviewer: users live in the auth store). */
  const scoresOut = async (rows: QaScoreRow[]): Promise<Array<z.infer<typeof ScoreSchema>>> => {
    const names = new Map<string, string | null>();
    for (const id of new Set(rows.map((r) => r.reviewerId))) names.set(id, (await auth.users.get(id))?.username ?? null);
    return rows.map((s) => scoreOut(s, names.get(s.reviewerId) ?? null));
  };
  const scoreOut = (s: QaScoreRow, reviewerName: string | null): z.infer<typeof ScoreSchema> => ({
    id: s.id,
    callId: s.callId,
    scorecardId: s.scorecardId,
    reviewerId: s.reviewerId,
    reviewerName,
    answers: s.answers,
    criterionNotes: s.criterionNotes,
    notes: s.notes,
    percent: s.percent,
    agentId: s.agentId,
    campaignId: s.campaignId,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  });
  const visibleCall = async (p: Principal, callId: string) => {
    const call = await calls.detail(callId);
    const visible = await visibleUserIds(p, teams);
    if (!call || (visible !== undefined && (call.userId === null || !visible.includes(call.userId)))) throw new ApiError(404, 'not_found', `No call ${callId}`);
    return call;
  };
  /** The agents whose averages the caller may read; undefined = all. */
  const visibleAgents = async (p: Principal): Promise<string[] | undefined> => {
    const scope = callScope(p.role);
    if (scope === 'all') return undefined;
    const agents = await directory.list();
    if (scope === 'own' || p.team === null) return agents.filter((a) => a.userId === p.userId).map((a) => a.id);
    return agents.filter((a) => a.team === p.team || a.userId === p.userId).map((a) => a.id);
  };

  app.openapi(listCards, async (c) => c.json({ items: (await qa.scorecards(c.req.valid('query').archived === 'true')).map(cardOut) }, 200));

  app.openapi(createCard, async (c) => {
    const b = c.req.valid('json');
    const row = await qa.createScorecard({ name: b.name, criteria: b.criteria, createdBy: c.get('principal').userId, at: auth.now() });
    await auth.audit.record(auditFrom(c, auth, 'qa.scorecard.create', 'scorecard', row.id, { name: row.name, criteria: row.criteria.length }));
    return c.json(cardOut(row), 201);
  });

  app.openapi(updateCard, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const row = await qa.updateScorecard(id, b, auth.now());
    if (!row) throw new ApiError(404, 'not_found', `No scorecard ${id}`);
    await auth.audit.record(auditFrom(c, auth, 'qa.scorecard.update', 'scorecard', id, { changed: Object.keys(b) }));
    return c.json(cardOut(row), 200);
  });

  app.openapi(putScore, async (c) => {
    const { callId } = c.req.valid('param');
    const b = c.req.valid('json');
    const p = c.get('principal');
    const call = await visibleCall(p, callId);
    const card = await qa.scorecard(b.scorecardId);
    if (!card || card.archived) throw new ApiError(404, 'not_found', `No scorecard ${b.scorecardId}`);
    const details: Array<{ field: string; problem: string }> = [];
    const byId = new Map(card.criteria.map((k) => [k.id, k]));
    for (const [id, v] of Object.entries(b.answers)) {
      const k = byId.get(id);
      if (!k) details.push({ field: `answers.${id}`, problem: 'is not a criterion of this scorecard' });
      else if (k.type === 'yesno' && v !== 0 && v !== 1) details.push({ field: `answers.${id}`, problem: 'must be 1 (yes) or 0 (no)' });
      else if (k.type === 'scale5' && (!Number.isInteger(v) || v < 1 || v > 5)) details.push({ field: `answers.${id}`, problem: 'must be an integer from 1 to 5' });
      else if (k.type === 'points' && (v < 0 || v > (k.max ?? 0))) details.push({ field: `answers.${id}`, problem: `must be from 0 to ${k.max}` });
    }
    for (const id of Object.keys(b.criterionNotes)) if (!byId.has(id)) details.push({ field: `criterionNotes.${id}`, problem: 'is not a criterion of this scorecard' });
    if (details.length) throw new ApiError(422, 'validation_failed', 'Answers do not fit the scorecard', details);
    const row = await qa.upsertScore({
      callId,
      scorecardId: card.id,
      reviewerId: p.userId,
      answers: b.answers,
      criterionNotes: b.criterionNotes,
      notes: b.notes,
      percent: scorePercent(card.criteria, b.answers),
      agentId: call.agentId,
      campaignId: call.campaignId,
      callAt: call.createdAt,
      at: auth.now(),
    });
    return c.json((await scoresOut([row]))[0]!, 200);
  });

  app.openapi(listScores, async (c) => {
    const { callId } = c.req.valid('param');
    await visibleCall(c.get('principal'), callId);
    return c.json({ items: await scoresOut(await qa.scoresOf(callId)) }, 200);
  });

  app.openapi(averages, async (c) => {
    const q = c.req.valid('query');
    const p = c.get('principal');
    const agents = await visibleAgents(p);
    if (q.by === 'campaign' && agents !== undefined) throw new ApiError(403, 'forbidden', 'Campaign averages are for supervisors and admins');
    if (q.key !== undefined && agents !== undefined && !agents.includes(q.key)) throw new ApiError(403, 'forbidden', `You may not see the averages of ${q.key}`);
    const items = await qa.averages(q.by, {
      from: q.from,
      to: q.to,
      periodDays: PERIOD_DAYS[q.period],
      ...(q.key !== undefined ? { key: q.key } : {}),
      ...(agents !== undefined ? { keys: agents } : {}),
    });
    return c.json({ items }, 200);
  });

  app.openapi(calibration, async (c) => {
    const q = c.req.valid('query');
    const p = c.get('principal');
    const visible = await visibleUserIds(p, teams);
    const candidates = await qa.calibrationCalls();
    const shown: typeof candidates = [];
    for (const x of candidates) {
      if (visible === undefined) {
        shown.push(x);
        continue;
      }
      const call = await calls.detail(x.callId);
      if (call?.userId != null && visible.includes(call.userId)) shown.push(x);
    }
    let scores: QaScoreRow[] = [];
    if (q.call_id !== undefined) {
      await visibleCall(p, q.call_id);
      scores = q.scorecard_id !== undefined ? await qa.calibration(q.call_id, q.scorecard_id) : await qa.scoresOf(q.call_id);
    }
    return c.json({ calls: shown, scores: await scoresOut(scores) }, 200);
  });

  return app;
}
