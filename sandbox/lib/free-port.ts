/** A port on 127.0.0.1 that was free a moment ago (for servers whose URL must be known before they start). */
import { createServer } from 'node:net';

/** Resolves a free TCP port on 127.0.0.1; rejects when no socket can be bound. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
