import type { DomainEvent } from '../../engine/events/index.js';
import { rooms, type AgentDirectory } from './access.js';

/**
 * Decides which rooms an event goes to. Call events carry their agent only from `call.bridged` on (and in
 * `call.created` / `call.ended`, and `call.amd_late` — "voicemail detected" for the agent the call is pulled
 * back from), so the router remembers each live call's campaign and agent to route the
 * later events of the same call; entries are dropped on `call.ended`.
 */
export class EventRouter {
  private readonly calls = new Map<string, { campaignId: string | null; agentId: string | null }>();

  constructor(private readonly directory: AgentDirectory) {}

  roomsOf(e: DomainEvent): string[] {
    if (e.type === 'agent.state') return [rooms.privileged, ...this.agentRooms(e.agentId)];
    if (e.type === 'engine.connected' || e.type === 'engine.disconnected' || e.type === 'engine.reconciled') {
      // Engine state is not per-agent data; team leads see it too so their board can show "PBX down".
      return [rooms.privileged, rooms.role('teamlead')];
    }
    if (e.type === 'campaign.state' || e.type === 'campaign.pacing') {
      // Campaign control is a supervisor's business; team leads watch their campaign's pace on the board.
      return [rooms.privileged, rooms.campaign(e.campaignId)];
    }
    let call = this.calls.get(e.callId);
    if (call === undefined) this.calls.set(e.callId, (call = { campaignId: null, agentId: null }));
    if (e.type === 'call.created') {
      call.campaignId = e.campaignId;
      call.agentId = e.agentId;
    } else if ((e.type === 'call.bridged' || e.type === 'call.ended' || e.type === 'call.amd_late') && e.agentId !== null) {
      call.agentId = e.agentId;
    }
    const out = [rooms.all];
    if (call.campaignId !== null) out.push(rooms.campaign(call.campaignId));
    if (call.agentId !== null) out.push(...this.agentRooms(call.agentId));
    if (e.type === 'call.ended') this.calls.delete(e.callId);
    return out;
  }

  private agentRooms(agentId: string): string[] {
    const team = this.directory.teamOfAgent(agentId);
    return team === null ? [rooms.agent(agentId)] : [rooms.agent(agentId), rooms.team(team)];
  }
}
