/** The Asterisk modules Centralita needs, and what each is for (the doctor checks them; the generator hints them). */
export const REQUIRED_MODULES: Readonly<Record<string, string>> = {
  res_ari: 'ARI itself',
  res_ari_channels: 'originate, answer, hang up',
  res_ari_bridges: 'bridges (customer to agent, AMD)',
  res_ari_playbacks: 'safe-harbor and voicemail messages',
  res_ari_recordings: 'call recordings',
  res_ari_applications: 'the Stasis application',
  res_ari_asterisk: 'reconciliation and health',
  res_http_websocket: 'the ARI events WebSocket',
  res_stasis: 'Stasis applications',
  app_stasis: 'Stasis() in the dialplan (agent log-in, call-backs)',
  res_stasis_snoop: 'snooping the callee for AMD',
  res_stasis_playback: 'playbacks',
  res_stasis_recording: 'recordings',
  chan_rtp: 'externalMedia (UnicastRTP) channels that carry audio to AMD',
  res_rtp_asterisk: 'RTP',
  bridge_simple: 'two-party bridges',
  bridge_softmix: 'mixing bridges with more parties (recording, AMD)',
  codec_ulaw: 'µ-law audio to the media plane',
};

/** modules_centralita.conf: `load =` lines to #include in modules.conf's [modules] (harmless when autoload = yes). */
export function renderModulesConf(driver: 'pjsip' | 'sip'): string {
  const lines = [
    '; Modules Centralita needs. Include from the [modules] section of modules.conf:  #include modules_centralita.conf',
    '; With `autoload = yes` (the default) they load anyway; these lines matter when a box uses `autoload = no` or',
    '; `noload`s some of them. `centralita doctor` lists any that are not running.',
    ...Object.entries(REQUIRED_MODULES).map(([m, why]) => `load = ${m}.so ; ${why}`),
    '; Recommended: Local channels for test numbers, µ-law/A-law conversions, WAV recordings.',
    'load = codec_alaw.so',
    'load = format_wav.so',
    'load = app_playback.so',
    'load = app_playtones.so',
  ];
  if (driver === 'pjsip') lines.push('; SIP: chan_pjsip with its res_pjsip* modules (trunks and agent phones).', 'load = chan_pjsip.so', 'load = res_pjsip.so', 'load = res_pjsip_session.so');
  else lines.push('; SIP: this box uses chan_sip (Issabel/older FreePBX); it must stay loaded: load = chan_sip.so');
  return `${lines.join('\n')}\n`;
}
