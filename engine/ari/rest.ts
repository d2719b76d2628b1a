/**
 * ARI REST through ari-client. ari-client loads Asterisk's swagger description (`/ari/api-docs`) and binds one
 * function per operation, but its promise wrapper turns an HTTP error into `new Error(body)` and drops the
 * status code. The boundary needs both (404 "Channel not found" after a hangup is routine; 422 is not), so we
 * call the swagger operation ari-client bound — the same request, same parameters — and keep the response.
 */
import ari, { type AriClient, type SwaggerOperation, type SwaggerResponse } from 'ari-client';
import { AriError, ariMessageOf } from './errors.js';

export interface AriRest {
  call(resource: string, operation: string, params: Record<string, unknown>): Promise<unknown>;
}

export async function connectRest(url: string, username: string, password: string): Promise<AriRest> {
  let client: AriClient;
  try {
    client = await ari.connect(url, username, password);
  } catch (err) {
    throw new AriError(0, err instanceof Error ? err.message : String(err), 'connect');
  }
  return { call: (resource, operation, params) => callSwagger(client, resource, operation, params) };
}

function callSwagger(
  client: AriClient,
  resource: string,
  operation: string,
  params: Record<string, unknown>,
): Promise<unknown> {
  const api = client._swagger.apis[resource];
  const op = api?.[operation] as SwaggerOperation | undefined;
  const spec = api?.operations[operation];
  const name = `${resource}.${operation}`;
  if (!api || !op || !spec) return Promise.reject(new AriError(0, `unknown ARI operation ${name}`, name));
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) options[k] = v;
  // Body parameters (originate's `variables`) travel as a JSON body, as ari-client's own wrapper does.
  for (const p of spec.parameters) {
    if (p.paramType === 'body' && options[p.name] !== undefined) {
      options.body = JSON.stringify({ [p.name]: options[p.name] });
      delete options[p.name];
    }
  }
  return new Promise((resolve, reject) => {
    try {
      op(
        options,
        (res: SwaggerResponse) => resolve(parseBody(res.data)),
        (res: SwaggerResponse | Error) => {
          if (res instanceof Error) reject(new AriError(0, res.message, name));
          else reject(new AriError(res.status ?? 0, ariMessageOf(res.data), name));
        },
      );
    } catch (err) {
      // swagger-client throws synchronously on a missing required parameter.
      reject(new AriError(0, err instanceof Error ? err.message : String(err), name));
    }
  });
}

function parseBody(data: Buffer | string | undefined): unknown {
  if (data === undefined) return undefined;
  const text = typeof data === 'string' ? data : data.toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
