import { AppError } from '../../kernel/errors.js';

/**
 * Why a miner's reply (or a request we were asked to build) could not be used. The decoder repairs
 * what real firmware is known to break; anything beyond that ends here, never in a raw
 * SyntaxError or RangeError, so a sweep over thousands of miners can count failures by reason.
 */
export type ProtocolFailure =
  /** The reply is larger than the configured limit. */
  | 'too-large'
  /** Nothing but whitespace and NUL bytes came back. */
  | 'empty'
  /** Neither JSON (even after repairs) nor the plain-text `KEY=value,...|` form. */
  | 'malformed'
  /** Nested deeper than any real reply; refused so that consumers never recurse without bound. */
  | 'too-deep'
  /** A request that the miner's API cannot take (bad command name, too long, non-joinable join). */
  | 'bad-request';

export class ProtocolError extends AppError {
  constructor(
    readonly failure: ProtocolFailure,
    message: string,
    detail?: Record<string, unknown>,
  ) {
    super(
      'invalid',
      `fleet.protocol.${failure}`,
      message,
      failure === 'bad-request' ? 'command' : 'reply',
      detail,
    );
    this.name = 'ProtocolError';
  }
}
