/**
 * The engine's own campaigns as queue_log lines, so queue reporting tools (and this module's parser) read the
 * dialer's activity: one "queue" per campaign (its name), agents by name. Pure: domain events in, lines out.
 *
 * - A call answered by a person enters the campaign's queue (ENTERQUEUE at the HUMAN decision, or at the answer
 *   when the campaign has no AMD), is CONNECTed when bridged to an agent (holdtime = wait for the agent), and
 *   ends as COMPLETECALLER (holdtime|talk|1: the engine does not learn which side hung up, so it writes the
 *   caller's completion), ABANDON (dropped for lack of an agent, or hung up while waiting) or WITHDRAW (found
 *   to be a machine after the HUMAN decision).
 * - Any other attempt (no answer, busy, machine, failed…) is one OUTCALL line: `disposition|0|phone`, the way
 *   Asterisk's QueueUpdate() records outbound calls that did not reach an agent.
 * - Agents: AGENTLOGIN / AGENTLOGOFF (with the seconds logged in), PAUSEALL (reason) / UNPAUSEALL, queue NONE,
 *   like app_queue.
 * Fields are cleaned of `|`, CR, LF and NUL (app_queue replaces `|` in caller names the same way).
 */
import type { DomainEvent } from '../events/index.js';

export interface QueueLogNames {
  campaign(id: string): string;
  agent(id: string): string;
}

const clean = (s: string) => s.replace(/[|\r\n\0]/g, '_');

/** One queue_log line (without its newline): `epoch|callid|queue|agent|EVENT|data…`. */
export function formatQueueLogLine(epochSeconds: number, callid: string, queue: string, agent: string, event: string, data: readonly (string | number)[]): string {
  const head = `${Math.floor(epochSeconds)}|${clean(callid)}|${clean(queue)}|${clean(agent)}|${event}|`;
  return head + data.map((d) => clean(String(d))).join('|');
}

interface CallState {
  queue: string;
  phone: string;
  createdAt: number;
  answeredAt: number | null;
  enteredAt: number | null;
  bridgedAt: number | null;
  agent: string | null;
  /** The queue visit already has its end line. */
  closed: boolean;
}

const sec = (ms: number) => Math.floor(ms / 1000);
const STALE_MS = 6 * 3_600_000;

export class CampaignQueueLog {
  private readonly calls = new Map<string, CallState>();
  private readonly loginAt = new Map<string, number>();
  private nextSweep = 0;

  constructor(
    private readonly names: QueueLogNames,
    private readonly write: (line: string) => void,
  ) {}

  handle(e: DomainEvent): void {
    if (e.at >= this.nextSweep) this.sweep(e.at);
    switch (e.type) {
      case 'call.created':
        this.calls.set(e.callId, {
          queue: this.names.campaign(e.campaignId), phone: e.phone, createdAt: e.at, answeredAt: null, enteredAt: null, bridgedAt: null, agent: null, closed: false,
        });
        return;
      case 'call.answered': {
        const c = this.calls.get(e.callId);
        if (c && c.answeredAt === null) c.answeredAt = e.at;
        return;
      }
      case 'call.amd': {
        const c = this.calls.get(e.callId);
        if (c && e.treatedAs === 'HUMAN') this.enter(e.callId, c, e.at);
        return;
      }
      case 'call.bridged': {
        const c = this.calls.get(e.callId);
        if (!c || c.bridgedAt !== null) return;
        this.enter(e.callId, c, c.answeredAt ?? e.at);
        c.bridgedAt = e.at;
        c.agent = this.names.agent(e.agentId);
        this.line(e.at, e.callId, c.queue, c.agent, 'CONNECT', [sec(e.at) - sec(c.enteredAt!), e.bridgeId, 0]);
        return;
      }
      case 'call.amd_late': {
        const c = this.calls.get(e.callId);
        if (!c || c.enteredAt === null || c.closed) return;
        c.closed = true;
        if (c.bridgedAt !== null) this.line(e.at, e.callId, c.queue, c.agent!, 'COMPLETEAGENT', [sec(c.bridgedAt) - sec(c.enteredAt), sec(e.at) - sec(c.bridgedAt), 1]);
        else this.line(e.at, e.callId, c.queue, 'NONE', 'WITHDRAW', [1, 1, sec(e.at) - sec(c.enteredAt), 'machine']);
        return;
      }
      case 'call.dropped': {
        const c = this.calls.get(e.callId);
        if (!c || c.closed || c.bridgedAt !== null) return;
        this.enter(e.callId, c, c.answeredAt ?? e.at);
        c.closed = true;
        this.line(e.at, e.callId, c.queue, 'NONE', 'ABANDON', [1, 1, sec(e.at) - sec(c.enteredAt!)]);
        return;
      }
      case 'call.ended': {
        const c = this.calls.get(e.callId);
        if (!c) return;
        this.calls.delete(e.callId);
        if (c.closed) return;
        if (c.bridgedAt !== null) {
          this.line(e.at, e.callId, c.queue, c.agent!, 'COMPLETECALLER', [sec(c.bridgedAt) - sec(c.enteredAt!), sec(e.at) - sec(c.bridgedAt), 1]);
        } else if (c.enteredAt !== null) {
          this.line(e.at, e.callId, c.queue, 'NONE', 'ABANDON', [1, 1, sec(e.at) - sec(c.enteredAt)]);
        } else {
          this.line(e.at, e.callId, c.queue, 'NONE', 'OUTCALL', [e.disposition, 0, c.phone]);
        }
        return;
      }
      case 'agent.state': {
        const name = this.names.agent(e.agentId);
        if (e.from === 'LOGGED_OUT' && e.to !== 'LOGGED_OUT') {
          this.loginAt.set(e.agentId, e.at);
          this.line(e.at, 'NONE', 'NONE', name, 'AGENTLOGIN', [`Centralita/${e.agentId}`]);
        }
        if (e.to === 'PAUSED' && e.from !== 'PAUSED') this.line(e.at, 'NONE', 'NONE', name, 'PAUSEALL', [e.reason ?? '']);
        if (e.from === 'PAUSED' && e.to !== 'PAUSED') this.line(e.at, 'NONE', 'NONE', name, 'UNPAUSEALL', ['']);
        if (e.to === 'LOGGED_OUT' && e.from !== 'LOGGED_OUT') {
          const since = this.loginAt.get(e.agentId);
          this.loginAt.delete(e.agentId);
          this.line(e.at, 'NONE', 'NONE', name, 'AGENTLOGOFF', [`Centralita/${e.agentId}`, since === undefined ? 0 : sec(e.at) - sec(since)]);
        }
        return;
      }
      default:
        return;
    }
  }

  private enter(callId: string, c: CallState, at: number): void {
    if (c.enteredAt !== null) return;
    c.enteredAt = at;
    this.line(at, callId, c.queue, 'NONE', 'ENTERQUEUE', ['', c.phone, 1]);
  }

  private line(atMs: number, callid: string, queue: string, agent: string, event: string, data: (string | number)[]): void {
    this.write(formatQueueLogLine(sec(atMs), callid, queue, agent, event, data));
  }

  /** Calls whose end never came (the engine restarted) are forgotten after six hours. */
  private sweep(at: number): void {
    this.nextSweep = at + 600_000;
    for (const [id, c] of this.calls) if (at - c.createdAt > STALE_MS) this.calls.delete(id);
  }
}
