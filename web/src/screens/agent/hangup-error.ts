/**
 * Words a refused hang-up in the agent's language. The API answers the console's hang-up with a stable code
 * (api/routes/call-actions.ts): the call is live nowhere (`not_found`), the node that owns it could not be asked
 * or did not answer (`node_unreachable`, #18), or no engine runs (`engine_unavailable`). The last two mean the call
 * may still be up, so the text tells the agent to hang up at the phone. Any other code shows the API's own text.
 * Pure (takes `t`), so the unit test checks the mapping without a browser.
 */
const KEYS: Record<string, string> = {
  not_found: 'agent.hangupNotLive',
  node_unreachable: 'agent.hangupNodeUnreachable',
  engine_unavailable: 'agent.hangupNoEngine',
};

/** The notification text for a failed hang-up (`err` is what `unwrap` threw: an ApiError, or any error). */
export function hangupErrorText(err: unknown, t: (key: string) => string): string {
  const code = (err as { code?: unknown } | null)?.code;
  const key = typeof code === 'string' ? KEYS[code] : undefined;
  if (key !== undefined) return t(key);
  return err instanceof Error ? err.message : String(err);
}
