/**
 * Per-request client-node options of a mutating request (issue 9 point 5): an AbortSignal that
 * fires when the caller's signal does (the leadership term ended) or after
 * {@link MUTATION_DEADLINE_MS}, attached through a request middleware (RequestContext.setSignal,
 * which client-node's fetch passes on), or given as is to raw-request.ts. The request then rejects
 * with an AbortError.
 */
import { Observable } from '@kubernetes/client-node';
import type { ConfigurationOptions, ObservableMiddleware } from '@kubernetes/client-node';
import type { MutationOptions } from '../ports.ts';

/** Deadline of every mutating request, ms. */
export const MUTATION_DEADLINE_MS = 10_000;

/**
 * The abort options of a mutating request sent through raw-request.ts: the caller's signal (if any)
 * and the {@link MUTATION_DEADLINE_MS} deadline, which raw-request.ts arms as a timer cleared when
 * the request settles (no `AbortSignal.timeout` left to fire, with its DOMException, 10 s later).
 */
export function mutationAbort(options: MutationOptions): { signal?: AbortSignal; deadlineMs: number } {
  return options.signal === undefined ? { deadlineMs: MUTATION_DEADLINE_MS } : { signal: options.signal, deadlineMs: MUTATION_DEADLINE_MS };
}

/** The AbortSignal of a mutating request: the caller's (if any) or the {@link MUTATION_DEADLINE_MS} deadline. */
export function mutationSignal(options: MutationOptions): AbortSignal {
  const deadline = AbortSignal.timeout(MUTATION_DEADLINE_MS);
  return options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
}

/**
 * client-node per-request options that attach `signal` (plus the deadline) to the request, and
 * the optional extra `base` options (e.g. a Content-Type header).
 */
export function mutationRequestOptions(options: MutationOptions, base?: ConfigurationOptions<ObservableMiddleware>): ConfigurationOptions<ObservableMiddleware> {
  const signal = mutationSignal(options);
  const attach: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { ...base, middleware: [...(base?.middleware ?? []), attach], middlewareMergeStrategy: 'append' };
}

