import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { cspHash, cspHeader } from './security-headers.js';

/**
 * A browsable page for the OpenAPI document, self-contained (no CDN: call centers often run without internet).
 * It fetches /openapi.json and lists every operation with its permission, parameters and bodies. Its inline style
 * and script are allowed by their hashes in this page's Content-Security-Policy, so the site-wide policy stays
 * "same-origin files only".
 */
const STYLE = `
body{font:14px system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem}
summary{cursor:pointer}.m{display:inline-block;width:4.5rem;font-weight:700;text-transform:uppercase}
.perm{color:#666;float:right}pre{background:#f6f6f6;padding:.6rem;overflow:auto}
`;
const SCRIPT = `
fetch('/openapi.json').then(r=>r.json()).then(doc=>{
  const root=document.getElementById('ops');root.textContent='';
  for(const [path,item] of Object.entries(doc.paths)){
    for(const [method,op] of Object.entries(item)){
      const d=document.createElement('details');const s=document.createElement('summary');
      const m=document.createElement('span');m.className='m';m.textContent=method;
      const p=document.createElement('span');p.className='perm';p.textContent=op['x-permission']?'permission: '+op['x-permission']:'public';
      s.append(m,path+' — '+(op.summary||''),p);
      const pre=document.createElement('pre');pre.textContent=JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2);
      d.append(s,pre);root.append(d);
    }
  }
});
`;
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Centralita API</title>
<style>${STYLE}</style></head><body>
<h1>Centralita API</h1><p>Machine-readable document: <a href="/openapi.json">/openapi.json</a>.
Authenticate with <code>Authorization: Bearer &lt;access token&gt;</code> (POST /api/auth/login) or <code>X-API-Key</code>.</p>
<div id="ops">Loading…</div>
<script>${SCRIPT}</script></body></html>`;

const PAGE_CSP = cspHeader({ scriptSrc: [cspHash(SCRIPT)], styleSrc: [cspHash(STYLE)] });

export function mountDocs<E extends Env>(app: OpenAPIHono<E>, version: string): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyAuth', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  app.doc('/openapi.json', { openapi: '3.0.3', info: { title: 'Centralita API', version } });
  app.get('/docs', (c) => {
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html(PAGE);
  });
}
