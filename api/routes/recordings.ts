/**
 * Recordings: the list (filters: date, agent, campaign, disposition, AMD result, QA score), one recording's
 * metadata (peaks, pauses, AMD trace), short-lived signed URLs for its audio, the audio itself with HTTP Range
 * (206) or as a download, deletion (audited; the CallLog stays), and the agent's pause/resume of a live one.
 *
 * The browser's <audio> cannot send a bearer header: `POST /api/recordings/{callId}/urls` (authenticated)
 * returns URLs signed for the caller and the call, valid for URL_TTL_SECONDS; `GET …/audio` checks the signature,
 * the expiry, and that the user still exists and may still see the call. A wrong signature or an expired URL: 403.
 *
 * Scale-out (#18): a recording made by another engine node (its row's `nodeId`) has its files on that node's disk.
 * With `nodeRecordings` the audio is fetched from that node as it streams (Range passed through), and deletion,
 * pause and resume are carried to it (engine/recordings node-client.ts); a node down, stopped or not answering is a
 * 503 `node_unreachable` naming it, within seconds.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { DISPOSITIONS, type Disposition } from '../../engine/events/index.js';
import { NodeRecordingError, parseRange, Recordings, RecordingError, type NodeRecordingClient } from '../../engine/recordings/index.js';
import { sqliteRecordingCatalog, type CallLogRow, type RecordingCatalog, type RecordingRow, type Store } from '../../engine/store/index.js';
import type { AuthService, Principal } from '../auth/index.js';
import { queryDate, queryPhone, visibleUserIds } from '../calls/index.js';
import { type ApiEnv, ApiError, jsonResponse, protectedRoute, publicRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';

const tags = ['recordings'];
const callIdParam = z.strictObject({ callId: z.string().min(1).max(64) });

/** How long a signed audio URL works. Long enough for a listen with seeks; the player asks for fresh ones. */
export const URL_TTL_SECONDS = 600;

const ListQuery = z.strictObject({
  from: queryDate('start').optional(),
  to: queryDate('end').optional(),
  agent_id: z.string().min(1).max(64).optional(),
  campaign_id: z.string().min(1).max(64).optional(),
  disposition: z.enum(DISPOSITIONS as [Disposition, ...Disposition[]]).optional(),
  amd_status: z.enum(['HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP']).optional(),
  phone: queryPhone().optional(),
  min_score: z.coerce.number().min(0).max(100).optional(),
  max_score: z.coerce.number().min(0).max(100).optional(),
  include_deleted: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const PauseSchema = z.object({ at: z.number().int(), offsetMs: z.number().int(), resumedAt: z.number().int().nullable(), by: z.string().nullable() });

const RecordingSummary = z
  .object({
    callId: z.string(),
    state: z.enum(['recording', 'fetching', 'stored', 'transcoding', 'ready', 'failed', 'deleted']),
    error: z.string().nullable(),
    attempts: z.number().int(),
    startedAt: z.number().int(),
    endedAt: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    format: z.string().nullable(),
    bytes: z.number().int().nullable(),
    hasAudio: z.boolean(),
    hasAmdAudio: z.boolean(),
    pauses: z.array(PauseSchema),
    deletedAt: z.number().int().nullable(),
    deletedBy: z.string().nullable(),
    nodeId: z.string().openapi({ description: 'The engine node that recorded the call and holds its files' }),
    call: z.object({
      phone: z.string(),
      agentId: z.string().nullable(),
      userId: z.string().nullable(),
      campaignId: z.string().nullable(),
      campaignName: z.string().nullable().openapi({ description: 'The campaign’s name (null when the call has none or the campaign is gone)' }),
      disposition: z.string().nullable(),
      amdStatus: z.string().nullable(),
      amdCause: z.string().nullable(),
      amdDecisionMs: z.number().int().nullable(),
      answeredAt: z.number().int().nullable(),
      bridgedAt: z.number().int().nullable(),
      talkMs: z.number().int().nullable(),
    }),
  })
  .openapi('RecordingSummary');

const RecordingDetail = RecordingSummary.extend({
  peaks: z.array(z.number()).nullable(),
  peaksPerSecond: z.number().int().nullable(),
  /** The AMD decision and its trace (energy per 20 ms frame, words, notes, decision frame), when kept. */
  amd: z
    .object({
      status: z.string(),
      cause: z.string(),
      decisionMs: z.number(),
      beepAtMs: z.number().optional(),
      frameEnergy: z.array(z.number()),
      words: z.array(z.object({ startMs: z.number(), endMs: z.number() })),
      notes: z.array(z.string()),
      decisionFrame: z.number(),
      lateFrame: z.number().optional(),
      /** Frames where a tone (the voicemail beep) was heard. */
      toneFrames: z.array(z.number()).optional(),
    })
    .nullable(),
  jobs: z.array(z.object({ kind: z.string(), state: z.string(), attempts: z.number().int(), lastError: z.string().nullable() })),
}).openapi('RecordingDetail');

const Urls = z
  .object({
    audio: z.string().nullable(),
    download: z.string().nullable(),
    amdAudio: z.string().nullable(),
    expiresAt: z.number().int(),
  })
  .openapi('RecordingUrls');

const AudioQuery = z.strictObject({
  u: z.string().min(1).max(64),
  exp: z.coerce.number().int().min(0),
  part: z.enum(['call', 'amd']).default('call'),
  dl: z.enum(['0', '1']).default('0'),
  sig: z.string().min(1).max(100),
});

const list = protectedRoute('recordings.read', {
  method: 'get',
  path: '/api/recordings',
  tags,
  summary: 'Recordings, newest first (agents: their own calls; team leads: their team’s)',
  request: { query: ListQuery },
  responses: { 200: jsonResponse('A page of recordings', z.object({ items: z.array(RecordingSummary), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })) },
});
const detail = protectedRoute('recordings.read', {
  method: 'get',
  path: '/api/recordings/{callId}',
  tags,
  summary: 'One recording: metadata, waveform peaks, pauses, the AMD trace',
  request: { params: callIdParam },
  responses: { 200: jsonResponse('The recording', RecordingDetail), 404: { description: 'No recording of that call (or not yours to see)' } },
});
const urls = protectedRoute('recordings.read', {
  method: 'post',
  path: '/api/recordings/{callId}/urls',
  tags,
  summary: `Signed URLs for the audio, the download and the AMD window (valid ${URL_TTL_SECONDS} s, for this user and call)`,
  request: { params: callIdParam },
  responses: { 200: jsonResponse('The URLs', Urls), 404: { description: 'No recording of that call (or not yours to see)' } },
});
const audio = publicRoute({
  method: 'get',
  path: '/api/recordings/{callId}/audio',
  tags,
  summary: 'The audio through a signed URL (from …/urls); HTTP Range gives 206 with exactly the bytes asked',
  request: { params: callIdParam, query: AudioQuery },
  responses: {
    200: { description: 'The whole file' },
    206: { description: 'The requested range' },
    403: { description: 'Wrong signature, expired URL, or the user may no longer see the call' },
    404: { description: 'No audio for that call' },
    416: { description: 'Range not satisfiable' },
    502: { description: 'The engine node holding the recording refused this API (SECRETS_KEY / JWT_SECRET differ)' },
    503: { description: 'The engine node holding the recording is down or does not answer (named in the message)' },
  },
});
const remove = protectedRoute('recordings.delete', {
  method: 'delete',
  path: '/api/recordings/{callId}',
  tags,
  summary: 'Deletes the recording’s files (the CallLog stays; who deleted it goes to the audit log)',
  request: { params: callIdParam },
  responses: {
    200: jsonResponse('The recording, now deleted', RecordingSummary),
    404: { description: 'No recording' },
    409: { description: 'Still recording' },
    502: { description: 'The engine node holding the recording refused this API' },
    503: { description: 'Recordings are not running on this node, or the node holding the recording is down (named)' },
  },
});
const control = (action: 'pause' | 'resume') =>
  protectedRoute('recordings.control', {
    method: 'post',
    path: `/api/calls/{callId}/recording/${action}`,
    tags,
    summary: action === 'pause' ? 'Pauses the recording of a call in progress (e.g. for a card number); marked in its metadata' : 'Resumes a paused recording',
    request: { params: callIdParam },
    responses: {
      200: jsonResponse('The recording', RecordingSummary),
      404: { description: 'The call is not being recorded (or not yours)' },
      409: { description: action === 'pause' ? 'Already paused' : 'Not paused' },
      502: { description: 'The engine node holding the call refused this API' },
      503: { description: 'Recordings are not running on this node, or the node holding the call is down (named)' },
    },
  });

/** The campaign names of the calls of one answer, read once per answer. */
type CampaignNames = (id: string | null) => string | null;

function summary(r: RecordingRow, c: CallLogRow, campaignName: CampaignNames): z.infer<typeof RecordingSummary> {
  return {
    callId: r.callId,
    state: r.state,
    error: r.error,
    attempts: r.attempts,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.durationMs,
    format: r.encodedFormat ?? (r.wavPath ? 'wav' : null),
    bytes: r.encodedBytes ?? r.wavBytes,
    hasAudio: Recordings.playable(r) !== null,
    hasAmdAudio: r.amdWavPath !== null,
    pauses: r.pauses,
    deletedAt: r.deletedAt,
    deletedBy: r.deletedBy,
    nodeId: r.nodeId,
    call: {
      phone: c.phone,
      agentId: c.agentId,
      userId: c.userId,
      campaignId: c.campaignId,
      campaignName: campaignName(c.campaignId),
      disposition: c.disposition,
      amdStatus: c.amdStatus,
      amdCause: c.amdCause,
      amdDecisionMs: c.amdDecisionMs,
      answeredAt: c.answeredAt,
      bridgedAt: c.bridgedAt,
      talkMs: c.talkMs,
    },
  };
}

/** A file name people can file: recording-2026-01-05T15-04-05Z-agent-1001-<call>.ogg */
export function downloadName(r: RecordingRow, c: CallLogRow | undefined, ext: string, part: 'call' | 'amd'): string {
  const when = new Date(r.startedAt).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const agent = c?.agentId ? `-agent-${c.agentId}` : '';
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `${part === 'amd' ? 'amd-window' : 'recording'}-${when}${safe(agent)}-${safe(r.callId)}.${ext}`;
}

export { parseRange };

/** What the routes need of the recorder: the engine thread's, through its commands, in the product. */
export type RecorderControl = Pick<Recordings, 'pause' | 'resume' | 'delete'>;

export interface RecordingRouteDeps {
  store: Store;
  auth: AuthService;
  /**
   * Where every route reads the recordings' rows and their CallLogs (#18); absent → `store`. The audio files are on
   * this process's disk, where its recorder (`recordings`) wrote them.
   */
  catalog?: RecordingCatalog;
  /** The running recorder (deletion, pause/resume); absent → those routes answer 503. */
  recordings?: RecorderControl;
  /**
   * Recordings held by other engine nodes (#18): a row whose `nodeId` is not `localNodeId` (this process's own
   * node, whose files `recordings` wrote here; null: none) is played, deleted, paused and resumed through that node.
   * Absent → every recording is this process's (the SQLite product).
   */
  nodeRecordings?: NodeRecordingsDeps;
}

export interface NodeRecordingsDeps {
  localNodeId: string | null;
  client: NodeRecordingClient;
}

export function recordingRoutes({ store, auth, recordings, catalog = sqliteRecordingCatalog(store), nodeRecordings }: RecordingRouteDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  /** The campaign's name for one answer about one call. */
  const campaignNames = async (call: CallLogRow): Promise<CampaignNames> => {
    const names = await catalog.campaignNames(call.campaignId === null ? [] : [call.campaignId]);
    return (id) => (id === null ? null : (names.get(id) ?? null));
  };

  /** The recording and its call if `p` may see the call (hidden calls answer 404, as missing ones). */
  const visibleRecording = async (p: Pick<Principal, 'userId' | 'role' | 'team'>, callId: string): Promise<{ rec: RecordingRow; call: CallLogRow }> => {
    const found = await catalog.get(callId);
    const visible = await visibleUserIds(p as Principal, auth.users);
    if (!found || (visible !== undefined && (found.call.userId === null || !visible.includes(found.call.userId)))) throw new ApiError(404, 'not_found', `No recording of call ${callId}`);
    return { rec: found.recording, call: found.call };
  };
  const needRecorder = (): RecorderControl => {
    if (!recordings) throw new ApiError(503, 'unavailable', 'Recordings are not running on this node');
    return recordings;
  };
  const toApi = (err: unknown): never => {
    if (err instanceof RecordingError) throw new ApiError(err.status, err.status === 404 ? 'not_found' : 'conflict', err.message);
    if (err instanceof NodeRecordingError) throw new ApiError(err.status, err.code, err.message);
    throw err;
  };
  /** The other node holding this recording's files and live call, or null when this process does. */
  const remoteNode = (rec: RecordingRow): string | null => (nodeRecordings && rec.nodeId !== nodeRecordings.localNodeId ? rec.nodeId : null);

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const p = c.get('principal');
    const { items, total } = await catalog.list({
      userIds: await visibleUserIds(p, auth.users),
      agentId: q.agent_id,
      campaignId: q.campaign_id,
      disposition: q.disposition,
      amdStatus: q.amd_status,
      phoneDigits: q.phone,
      from: q.from,
      to: q.to,
      minScore: q.min_score,
      maxScore: q.max_score,
      includeDeleted: q.include_deleted === 'true',
      limit: q.limit,
      offset: q.offset,
    });
    const names = await catalog.campaignNames(items.flatMap((i) => (i.call.campaignId === null ? [] : [i.call.campaignId])));
    const name: CampaignNames = (id) => (id === null ? null : (names.get(id) ?? null));
    return c.json({ items: items.map((i) => summary(i.recording, i.call, name)), total, limit: q.limit, offset: q.offset }, 200);
  });

  app.openapi(detail, async (c) => {
    const { callId } = c.req.valid('param');
    const found = await catalog.get(callId);
    const visible = await visibleUserIds(c.get('principal'), auth.users);
    if (!found || (visible !== undefined && (found.call.userId === null || !visible.includes(found.call.userId)))) throw new ApiError(404, 'not_found', `No recording of call ${callId}`);
    const { recording: rec, call } = found;
    // The trace kept with the CallLog (call_amd_traces) when there is one, else the one kept with the AMD window.
    let stored: Record<string, unknown> | null = null;
    try {
      const t = await catalog.amdTrace(callId);
      if (t) stored = { status: call.amdStatus ?? 'HANGUP', cause: call.amdCause ?? '', decisionMs: call.amdDecisionMs ?? 0, ...t };
    } catch {
      stored = null; // a damaged trace row: shown as no trace (the recording is still served)
    }
    const t = stored ?? (rec.amdTrace as Record<string, unknown> | null);
    const amd = t && Array.isArray(t['frameEnergy']) ? (RecordingDetail.shape.amd.unwrap().safeParse(t).data ?? null) : null;
    const jobs = (await catalog.jobs(callId)).map((j) => ({ kind: j.kind, state: j.state, attempts: j.attempts, lastError: j.lastError }));
    const names = await catalog.campaignNames(call.campaignId === null ? [] : [call.campaignId]);
    return c.json({ ...summary(rec, call, (id) => (id === null ? null : (names.get(id) ?? null))), peaks: rec.peaks, peaksPerSecond: rec.peaksPerSecond, amd, jobs }, 200);
  });

  app.openapi(urls, async (c) => {
    const { callId } = c.req.valid('param');
    const p = c.get('principal');
    const { rec } = await visibleRecording(p, callId);
    const exp = Math.floor(auth.now() / 1000) + URL_TTL_SECONDS;
    const make = (part: 'call' | 'amd', dl: '0' | '1') => {
      const sig = auth.signUrl('recording', `${callId}|${p.userId}|${exp}|${part}|${dl}`);
      const qs = new URLSearchParams({ u: p.userId, exp: String(exp), part, dl, sig });
      return `/api/recordings/${encodeURIComponent(callId)}/audio?${qs}`;
    };
    const has = Recordings.playable(rec) !== null;
    return c.json({ audio: has ? make('call', '0') : null, download: has ? make('call', '1') : null, amdAudio: rec.amdWavPath ? make('amd', '0') : null, expiresAt: exp * 1000 }, 200);
  });

  app.openapi(audio, async (c) => {
    const { callId } = c.req.valid('param');
    const q = c.req.valid('query');
    const expected = Buffer.from(auth.signUrl('recording', `${callId}|${q.u}|${q.exp}|${q.part}|${q.dl}`));
    const given = Buffer.from(q.sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new ApiError(403, 'forbidden', 'Wrong signature');
    if (q.exp * 1000 < auth.now()) throw new ApiError(403, 'forbidden', 'The URL has expired; ask for a new one');
    const user = await auth.users.get(q.u);
    if (!user || !user.active) throw new ApiError(403, 'forbidden', 'The user of this URL cannot access recordings');
    const found = await catalog.get(callId);
    const visible = await visibleUserIds({ userId: user.id, role: user.role, team: user.team ?? null } as Principal, auth.users);
    if (!found) throw new ApiError(404, 'not_found', `No audio for call ${callId}`);
    if (visible !== undefined && (found.call.userId === null || !visible.includes(found.call.userId))) throw new ApiError(403, 'forbidden', 'The user of this URL may not see this call');
    const { recording: rec, call } = found;
    const file = rec ? Recordings.playable(rec, q.part) : null;
    if (!file) throw new ApiError(404, 'not_found', `No audio for call ${callId}`);
    const downloadAs = q.dl === '1' ? downloadName(rec, call, file.ext, q.part) : null;
    const node = remoteNode(rec);
    if (node !== null) {
      const got = await nodeRecordings!.client.audio(node, callId, q.part, c.req.header('range')).catch(toApi);
      const headers: Record<string, string> = { ...got.headers, 'cache-control': 'private, no-store' };
      if (downloadAs && got.status !== 416) headers['content-disposition'] = `attachment; filename="${downloadAs}"`;
      return new Response(got.body, { status: got.status, headers });
    }
    return serveFile(c, file, downloadAs);
  });

  app.openapi(remove, async (c) => {
    const { callId } = c.req.valid('param');
    const p = c.get('principal');
    const { rec: held, call } = await visibleRecording(p, callId);
    const node = remoteNode(held);
    let rec: RecordingRow;
    if (node !== null) {
      // The files are on that node's disk: it deletes them and marks the row, then the row is read back from here.
      await nodeRecordings!.client.control(node, callId, 'delete', p.userId).catch(toApi);
      const after = await catalog.get(callId);
      if (!after) throw new ApiError(404, 'not_found', `No recording of call ${callId}`);
      rec = after.recording;
    } else {
      rec = await needRecorder().delete(callId, p.userId).catch(toApi);
    }
    await auth.audit.record(auditFrom(c, auth, 'recording.delete', 'call', callId, { reason: 'user', startedAt: rec.startedAt, campaignId: rec.campaignId }));
    return c.json(summary(rec, call, await campaignNames(call)), 200);
  });

  for (const action of ['pause', 'resume'] as const) {
    app.openapi(control(action), async (c) => {
      const { callId } = c.req.valid('param');
      const p = c.get('principal');
      // Agents control only their own calls; team leads their team's.
      const { rec: held, call } = await visibleRecording(p, callId).catch(() => {
        throw new ApiError(404, 'not_found', `Call ${callId} is not being recorded`);
      });
      const node = remoteNode(held);
      let rec: RecordingRow;
      if (node !== null) {
        // The live call and its recording are that node's: it pauses or resumes and answers the row as it is now.
        rec = (await nodeRecordings!.client.control(node, callId, action, p.userId).catch(toApi)) as RecordingRow;
      } else {
        const r = needRecorder();
        rec = await (action === 'pause' ? r.pause(callId, p.userId) : r.resume(callId)).catch(toApi);
      }
      return c.json(summary(rec, call, await campaignNames(call)), 200);
    });
  }

  return app;
}

async function serveFile(c: Context, file: { path: string; contentType: string }, downloadAs: string | null): Promise<Response> {
  let size: number;
  try {
    size = (await stat(file.path)).size;
  } catch {
    throw new ApiError(404, 'not_found', 'The audio file is missing on this node');
  }
  const headers: Record<string, string> = {
    'content-type': file.contentType,
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
  };
  if (downloadAs) headers['content-disposition'] = `attachment; filename="${downloadAs}"`;
  const range = parseRange(c.req.header('range'), size);
  if (range === 'bad') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  headers['content-length'] = String(size === 0 ? 0 : end - start + 1);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  const body = size === 0 ? null : (Readable.toWeb(createReadStream(file.path, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, { status: range ? 206 : 200, headers });
}
