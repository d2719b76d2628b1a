import { describe, expect, it } from 'vitest';
import { parseExtensionList, renderAgentEndpoints, renderAriConf, renderTrunk } from '../../../engine/deploy/asterisk-config.js';

describe('Asterisk config generator', () => {
  it('expands extension ranges and lists, keeping leading zeros and dropping repeats', () => {
    expect(parseExtensionList('1001-1003, 1010,1002')).toEqual(['1001', '1002', '1003', '1010']);
    expect(parseExtensionList('0098-0100')).toEqual(['0098', '0099', '0100']);
  });

  it('rejects what is not an extension or a sane range', () => {
    expect(() => parseExtensionList('10a1')).toThrow(/bad extension "10a1"/);
    expect(() => parseExtensionList('1005-1001')).toThrow(/bad extension range/);
    expect(() => parseExtensionList('1000-9999')).toThrow(/at most 1000/);
  });

  it('fills the ARI user and refuses a short password', () => {
    const tpl = '[__ARI_USERNAME__]\npassword = __ARI_PASSWORD__\n';
    expect(renderAriConf(tpl, 'centralita', 'x'.repeat(24))).toBe(`[centralita]\npassword = ${'x'.repeat(24)}\n`);
    expect(() => renderAriConf(tpl, 'centralita', 'short')).toThrow(/at least 16/);
    expect(() => renderAriConf(tpl, 'bad name', 'x'.repeat(24))).toThrow(/bad ARI user name/);
  });

  it('renders one endpoint, auth and aor per agent, from the templates', () => {
    const text = renderAgentEndpoints([{ extension: '1001', password: 'p1' }, { extension: '1002', password: 'p2', name: 'Ana; evil\nline' }]);
    expect(text).toContain('[1001](agent-endpoint)');
    expect(text).toContain('[1002-auth](agent-auth)\nusername = 1002\npassword = p2');
    expect(text).toContain('; Ana  evil line');
    expect(text.match(/\(agent-aor\)/g)).toHaveLength(2);
  });

  it('renders a trunk with identify by host, and auth only when credentials are given', () => {
    const open = renderTrunk({ name: 'carrier', host: 'sip.example.net:5060' });
    expect(open).toContain('contact = sip:sip.example.net:5060');
    expect(open).toContain('match = sip.example.net');
    expect(open).not.toContain('outbound_auth');
    const auth = renderTrunk({ name: 'carrier', host: '203.0.113.7', username: 'u', password: 'p' });
    expect(auth).toContain('outbound_auth = carrier-auth');
    expect(() => renderTrunk({ name: 'c', host: 'bad host' })).toThrow(/bad trunk host/);
  });
});
