/**
 * From a stored campaign's settings (engine/campaigns) to what the call engine acts on: the call policy, the
 * AMD parameters and the dial string. Pure.
 */
import { amdParamsSchema, type AmdParams } from '../amd/index.js';
import { defaultCallPolicy, type CallPolicy } from '../calls/index.js';
import { campaignSettingsSchema, dialStringTemplateProblem, renderDialString, type CampaignSettings } from './index.js';

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

/**
 * Why the engine cannot load a stored campaign, naming each field (`amd.foo is not a known field`), or null. The
 * stored settings are checked with the schema they are written with (settings written before a check existed, or
 * by hand in the database, fail here), then turned into what the engine runs.
 */
export function campaignLoadProblem(s: CampaignSettings): string | null {
  const r = campaignSettingsSchema.safeParse(s);
  if (!r.success) {
    return r.error.issues
      .flatMap((i) => {
        const base = i.path.map(String).join('.');
        if (i.code === 'unrecognized_keys') return i.keys.map((k) => `${base === '' ? k : `${base}.${k}`} is not a known field`);
        return [`${base === '' ? '(settings)' : base} ${i.message}`];
      })
      .join('; ');
  }
  try {
    callPolicyFor(r.data);
    dialStringFor(r.data);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Throws when the stored template breaks the dial-string grammar (one written before the check existed). */
export function dialStringFor(s: CampaignSettings): (e164: string) => string {
  const problem = dialStringTemplateProblem(s.dialStringTemplate);
  if (problem !== null) throw new Error(`campaign ${s.name}: dial string template ${JSON.stringify(s.dialStringTemplate)} ${problem}`);
  return (e164) => renderDialString(s.dialStringTemplate, { e164 });
}
