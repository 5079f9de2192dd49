/**
 * A patch that cannot be applied: a failed JSON-patch `test`, a path that does not exist, a malformed operation or
 * a strategic-merge list element without its merge key. kube-apiserver answers these with 422 Invalid and the
 * generic message `the server rejected our request due to an error in our request` (see {@link PATCH_REJECTED_MESSAGE});
 * `message` here says what went wrong, for logs.
 */
export class PatchError extends Error {
  override readonly name = 'PatchError';
  /** @param message what went wrong (not shown to clients by kube-apiserver). */
  constructor(message: string) {
    super(message);
  }
}

/** The Status message kube-apiserver gives (422, `details: {}`) for an inapplicable JSON patch. */
export const PATCH_REJECTED_MESSAGE = 'the server rejected our request due to an error in our request';
