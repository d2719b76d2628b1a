/**
 * The sound files the embedded PBX has, by name (`sound:<name>`). A playback of any other sound fails as it does
 * on Asterisk (PlaybackStarted, then PlaybackFinished with state "failed"), so a campaign pointing at a message
 * nobody installed is caught on the embedded PBX too.
 *
 * The default is what a Centralita Asterisk has: the core sounds the engine and dialplan use, and the product's
 * own prompts. `startSimulator({ sounds })` adds names (e.g. a test's voicemail message).
 */
export const CORE_SOUNDS: readonly string[] = [
  'beep',
  'invalid',
  'silence/1',
  'hello-world',
  'vm-goodbye',
  'agent-loginok',
  'agent-loggedoff',
  'auth-thankyou',
];

/** The prompts Centralita ships for Asterisk (the safe-harbor message played to a dropped human). */
export const CENTRALITA_SOUNDS: readonly string[] = ['centralita/safe-harbor'];

export function simSounds(extra: Iterable<string> = []): ReadonlySet<string> {
  return new Set([...CORE_SOUNDS, ...CENTRALITA_SOUNDS, ...extra]);
}
