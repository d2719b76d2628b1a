/**
 * From a stored campaign's settings (engine/campaigns) to what the call engine acts on: the call policy, the
 * AMD parameters and the dial string. Pure.
 */
import { amdParamsSchema, type AmdParams } from '../amd/index.js';
import { defaultCallPolicy, type CallPolicy } from '../calls/index.js';
import { dialStringTemplateProblem, renderDialString, type CampaignSettings } from './index.js';

export function callPolicyFor(s: CampaignSettings): CallPolicy {
  const amd = amdParamsFor(s);
  return {
    ...defaultCallPolicy,
    // The detector's own limit plus up to a second of digital silence before the line opens and a margin.
    amdTimeoutMs: Math.max(defaultCallPolicy.amdTimeoutMs, amd.totalAnalysisTime + 3000),
    amdWatchMs: amd.mode === 'centralita' ? (amd.lateWatchMs ?? 0) : 0,
    machine: s.machineAction === 'message' && s.voicemailMessage ? 'voicemail' : 'hangup',
    notSure: s.notsurePolicy,
    voicemailMedia: s.voicemailMessage,
    safeHarborMedia: s.safeHarborMessage,
    ringTimeoutSec: s.ringTimeoutS,
  };
}

export function amdParamsFor(s: CampaignSettings): AmdParams {
  return amdParamsSchema.parse(s.amd) as AmdParams;
}

/** Throws when the stored template breaks the dial-string grammar (one written before the check existed). */
export function dialStringFor(s: CampaignSettings): (e164: string) => string {
  const problem = dialStringTemplateProblem(s.dialStringTemplate);
  if (problem !== null) throw new Error(`campaign ${s.name}: dial string template ${JSON.stringify(s.dialStringTemplate)} ${problem}`);
  return (e164) => renderDialString(s.dialStringTemplate, { e164 });
}
