// ari-client ships no types. Only what engine/ari/rest.ts touches is declared; nothing else imports it.
declare module 'ari-client' {
  interface SwaggerResponse {
    status: number;
    data?: Buffer | string;
  }
  type SwaggerOperation = (
    params: Record<string, unknown>,
    ok: (res: SwaggerResponse) => void,
    fail: (res: SwaggerResponse | Error) => void,
  ) => void;
  interface SwaggerResource {
    operations: Record<string, { parameters: Array<{ name: string; paramType: string }> }>;
    [operation: string]: unknown;
  }
  export interface AriClient {
    _swagger: { apis: Record<string, SwaggerResource> };
    [resource: string]: unknown;
  }
  export function connect(url: string, user: string, pass: string): Promise<AriClient>;
  const ari: { connect: typeof connect };
  export default ari;
  export type { SwaggerOperation, SwaggerResponse };
}
