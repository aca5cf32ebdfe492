/**
 * Errors leave the server with a code from the contract and nothing else:
 * an error that is not one of ours (a bug, a database failure) is masked, so
 * no stack, SQL text or secret reaches a client.
 */
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';

/** A resolver error that is not one of our contract errors: a bug or a failing dependency. */
export function isMasked(error: unknown): boolean {
  const original = unwrapResolverError(error);
  const isOurs = original instanceof GraphQLError && original.originalError === undefined;
  return error instanceof GraphQLError && error.path !== undefined && !isOurs;
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
  if (isMasked(error)) {
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  }
  const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
  return { ...formatted, extensions };
}
