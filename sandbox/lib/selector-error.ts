/**
 * Error thrown by the label and field selector parsers. Its `message` is the exact text kube-apiserver puts in
 * the 400 BadRequest Status for the same input, so the server can answer `{ code: 400, message: err.message }`.
 */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
  /**
   * @param message kube-apiserver's error text for the rejected selector.
   */
  constructor(message: string) {
    super(message);
  }
}
