import type { Sqlite } from '../db.js';
import type { CallLogRow } from '../schema/call-logs.js';

/** Every dial attempt of one lead, newest first (the lead card's "previous attempts"); uses call_logs_lead_idx. */
export function leadAttempts(sqlite: Sqlite, leadId: string, limit = 50): Array<Pick<CallLogRow, 'id' | 'createdAt' | 'endedAt' | 'disposition' | 'outcome' | 'notes' | 'agentId' | 'talkMs'>> {
  return sqlite
    .prepare(
      `SELECT id, created_at AS createdAt, ended_at AS endedAt, disposition, outcome, notes, agent_id AS agentId, talk_ms AS talkMs
         FROM call_logs WHERE lead_id = ? ORDER BY created_at DESC LIMIT ?`,
    )
    .all(leadId, limit) as Array<Pick<CallLogRow, 'id' | 'createdAt' | 'endedAt' | 'disposition' | 'outcome' | 'notes' | 'agentId' | 'talkMs'>>;
}
