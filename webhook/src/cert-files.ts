/**
 * Certificate files on disk (flag/env paths, or a mounted Secret): read them, and notice when they change.
 * Change detection uses fs.watch on the files' directories (Kubernetes swaps Secret volumes through a
 * `..data` symlink, so the directory is what changes) plus a periodic stat as a fallback for filesystems
 * where fs.watch is silent. A pair that fails to load (e.g. the certificate was written but not yet the key)
 * is retried on every later event and tick until it loads; the previous certificate stays in use meanwhile.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TlsMaterial } from './server.ts';

/** Paths of a certificate chain and its key (PEM). */
export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

/** Reads both PEM files. @throws the fs error when either cannot be read. */
export async function readCertificateFiles(files: CertificateFiles): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
  return { cert, key };
}

/** Options of {@link watchCertificateFiles}. */
export interface WatchCertificateOptions extends CertificateFiles {
  /** Material currently in use (so an unchanged read is not reported). */
  current: TlsMaterial;
  /**
   * Called with new material; must throw if it cannot be used (it is then retried later).
   */
  onChange(material: TlsMaterial): void;
  /** Called when reading or applying fails. */
  onError(error: Error): void;
  /** Period of the stat fallback in ms; default 10 s. */
  intervalMs?: number;
  /** Delay that groups the bursts of events one update produces, in ms; default 100 ms. */
  debounceMs?: number;
}

/** Handle to stop watching. */
export interface CertificateWatcher {
  /** Runs one check now (reads the files when their stats changed or the last load failed); resolves when done. */
  check(): Promise<void>;
  close(): void;
}

async function fingerprint(files: CertificateFiles): Promise<string> {
  const [c, k] = await Promise.all([stat(files.certFile), stat(files.keyFile)]);
  return `${c.ino}:${c.size}:${c.mtimeMs}|${k.ino}:${k.size}:${k.mtimeMs}`;
}

/**
 * Watches a certificate/key pair and calls `onChange` with the new contents after each change.
 * Never throws after it returns; errors go to `onError`.
 */
export function watchCertificateFiles(options: WatchCertificateOptions): CertificateWatcher {
  let current = options.current;
  let lastPrint: string | undefined;
  let pendingRetry = false;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const runCheck = async (): Promise<void> => {
    let print: string;
    try {
      print = await fingerprint(options);
    } catch (err) {
      pendingRetry = true;
      options.onError(err as Error);
      return;
    }
    if (print === lastPrint && !pendingRetry) return;
    lastPrint = print;
    try {
      const material = await readCertificateFiles(options);
      if (material.cert === current.cert && material.key === current.key) {
        pendingRetry = false;
        return;
      }
      options.onChange(material);
      current = material;
      pendingRetry = false;
    } catch (err) {
      pendingRetry = true;
      options.onError(err as Error);
    }
  };

  // Serialise checks; a request arriving during a check runs one more afterwards.
  const check = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running !== undefined) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runCheck();
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const onEvent = (): void => {
    if (closed) return;
    if (debounce !== undefined) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      void check();
    }, options.debounceMs ?? 100);
  };

  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(options.certFile), dirname(options.keyFile)])) {
    try {
      const w = watch(dir, { persistent: false }, onEvent);
      w.on('error', () => undefined); // the periodic stat still runs
      watchers.push(w);
    } catch {
      // fs.watch unsupported here: the periodic stat is the only trigger.
    }
  }
  const interval = setInterval(() => void check(), options.intervalMs ?? 10_000);
  interval.unref();

  return {
    check,
    close(): void {
      closed = true;
      clearInterval(interval);
      if (debounce !== undefined) clearTimeout(debounce);
      for (const w of watchers) w.close();
    },
  };
}
