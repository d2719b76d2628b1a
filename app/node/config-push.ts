/**
 * A node's side of a trunk or phone push asked over Redis (engine/cluster config-push.ts): the row is read from the
 * shared database, its password opened with this node's key (SECRETS_KEY, else JWT_SECRET: the API's), and the
 * objects pushed to this node's own Asterisk (ARI_URL) exactly as the API pushes to its own (engine/deploy).
 */
import { phonePasswordContext, type ConfigPushAnswer, type ConfigPushHandler } from '../../engine/cluster/index.js';
import { agentPhoneExtension, agentSorceryObjects, pushSorcery, pushTrunk, TrunkPushError, type AriTarget } from '../../engine/deploy/index.js';
import { DEFAULT_NODE_ID, openStored, type AgentRow, type SecretBox, type TrunkRow } from '../../engine/store/index.js';

export interface ConfigPushDeps {
  nodeId: string;
  /** This node's Asterisk; null on the embedded PBX (nothing to push to). */
  ari: AriTarget | null;
  trunks: { get(name: string): Promise<TrunkRow | undefined> };
  agents: { get(id: string): Promise<AgentRow | undefined> };
  /** This node's key; null when neither SECRETS_KEY nor JWT_SECRET is set. */
  box: SecretBox | null;
}

const failed = (reason: string): ConfigPushAnswer => ({ result: 'failed', pushed: [], reason });

export function configPushHandler(d: ConfigPushDeps): ConfigPushHandler {
  const push = async (run: () => Promise<string[]>): Promise<ConfigPushAnswer> => {
    try {
      return { result: 'pushed', pushed: await run() };
    } catch (err) {
      if (!(err instanceof TrunkPushError)) throw err;
      return { result: 'refused', pushed: err.pushed, reason: err.message };
    }
  };
  /** A stored secret opened with this node's key (a plaintext left from before encryption as is); a string is why not. */
  const open = (stored: string, boundTo: string): { clear: string } | string => {
    const opened = openStored(d.box, stored, boundTo);
    if ('clear' in opened) return opened;
    return opened.problem === 'no_key'
      ? `node ${d.nodeId} has no SECRETS_KEY (or JWT_SECRET): it cannot open the password`
      : `the password does not open with node ${d.nodeId}'s key: give it the API's SECRETS_KEY (or JWT_SECRET)`;
  };

  return async (req) => {
    const ari = d.ari;
    if (ari === null) return { result: 'no-asterisk', pushed: [], reason: `node ${d.nodeId} runs on its embedded PBX: no Asterisk to push to` };
    if (req.object === 'trunk') {
      const t = await d.trunks.get(req.name);
      if (t === undefined) return failed(`no trunk ${req.name} in the database`);
      let password: string | undefined;
      if (t.password !== null) {
        // A plaintext left from before encryption still pushes, as on the API.
        const opened = open(t.password, t.name);
        if (typeof opened === 'string') return failed(opened);
        password = opened.clear;
      }
      return push(() => pushTrunk(ari, { name: t.name, host: t.host, ...(t.username !== null && { username: t.username }), ...(password !== undefined && { password }) }));
    }
    const agent = await d.agents.get(req.name);
    if (agent === undefined) return failed(`no agent ${req.name} in the database`);
    if ((agent.nodeId ?? DEFAULT_NODE_ID) !== d.nodeId) return failed(`agent ${agent.id} belongs to node ${agent.nodeId ?? DEFAULT_NODE_ID}, not ${d.nodeId}`);
    const extension = agent.kind === 'human' ? agentPhoneExtension(agent.endpoint) : null;
    if (extension === null) return failed(`agent ${agent.id} has no generated phone (endpoint ${agent.endpoint})`);
    if (req.sealedPassword === undefined) return failed('no password was sent');
    const opened = open(req.sealedPassword, phonePasswordContext(agent.id));
    if (typeof opened === 'string') return failed(opened);
    return push(() => pushSorcery(ari, agentSorceryObjects({ extension, password: opened.clear })));
  };
}
