/** The one error type of the simulator's HTTP boundary: status and the `message` Asterisk puts in the body. */
export class AriError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AriError';
  }
}

export const notFound = (what: 'Channel' | 'Bridge' | 'Playback' | 'Recording'): AriError => new AriError(404, `${what} not found`);
