/**
 * Errors leave the server with a code from the contract and nothing else:
 * an error that is not one of ours (a bug, a database failure) is masked, so
 * no stack, SQL text or secret reaches a client, whether it happened in a
 * resolver (with a path) or around the operation (without one).
 */
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';

/** An error that is not one of our contract errors nor a request error of Apollo's: a bug or a failing dependency. */
export function isMasked(error: unknown): boolean {
  const original = unwrapResolverError(error);
  const isOurs = original instanceof GraphQLError && original.originalError === undefined;
  if (!(error instanceof GraphQLError)) return true;
  if (error.path !== undefined) return !isOurs;
  // Around the operation, Apollo's own refusals (parse, validation, variables...) carry their code.
  return !isOurs && (error.extensions.code === undefined || error.extensions.code === 'INTERNAL_SERVER_ERROR');
}

/** Apollo answers some malformed requests (a persisted query whose hash does not match) with a 4xx status and no code. */
function isCodelessClientError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * `hideSuggestions` (production): no "Did you mean ...?" in any message.
 * Apollo strips them from validation errors only; variable errors carry them too.
 */
export function createFormatError({ hideSuggestions }: { hideSuggestions: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = formatError(formatted, error);
    return hideSuggestions ? { ...result, message: result.message.replace(/\s*Did you mean [^?]*\?/g, '') } : result;
  };
}

function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  if (isCodelessClientError(error)) return { ...formatted, extensions: { code: 'BAD_REQUEST' } };
  if (isMasked(error)) {
    return {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}
