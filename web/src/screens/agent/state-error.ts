/**
 * Words a refused log-in / ready / pause / log-out in the agent's language. On a call center of several nodes the
 * API asks the node that holds the agent's phone (#18, engine/cluster agent commands): when that node does not answer
 * in time the API says `node_unreachable`, and the command may still reach it a moment later (Redis delivers to a
 * node that was only stalled), so the text asks the agent to check their state before trying again rather than
 * claiming nothing changed. No engine at all is `engine_unavailable`. Any other code shows the API's own text.
 * Pure (takes `t`), so the unit test checks the mapping without a browser.
 */
const KEYS: Record<string, string> = {
  node_unreachable: 'agent.stateNodeUnreachable',
  engine_unavailable: 'agent.stateNoEngine',
};

/** The notification text for a failed state change (`err` is what `unwrap` threw: an ApiError, or any error). */
export function stateErrorText(err: unknown, t: (key: string) => string): string {
  const code = (err as { code?: unknown } | null)?.code;
  const key = typeof code === 'string' ? KEYS[code] : undefined;
  if (key !== undefined) return t(key);
  return err instanceof Error ? err.message : String(err);
}
