/**
 * A stand-in for scheduler + kubelet: every new pod is "started" right after creation (status.phase Running,
 * Ready conditions, container statuses), unless a test pinned its phase with setPodPhase().
 */
import type { Store } from '../store/store.ts';
import type { KObject } from '../store/types.ts';
import type { ObjectService } from '../server/objects.ts';
import { kubeTime } from '../server/objects.ts';
import type { ResourceType } from '../server/types.ts';

/** Builds the status of a started pod. */
export function runningStatus(pod: KObject, now: Date, podIndex: number): Record<string, unknown> {
  const t = kubeTime(now);
  const containers = ((pod.spec as { containers?: { name: string; image?: string }[] } | undefined)?.containers) ?? [];
  const cond = (type: string): Record<string, unknown> => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
  return {
    phase: 'Running',
    conditions: [cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
    hostIP: '10.0.0.1',
    podIP: `10.244.${(podIndex >> 8) & 255}.${podIndex & 255}`,
    startTime: t,
    containerStatuses: containers.map((c) => ({ name: c.name, state: { running: { startedAt: t } }, lastState: {}, ready: true, restartCount: 0, image: c.image ?? '', imageID: '', containerID: `containerd://${(pod.metadata.uid ?? '').replace(/-/g, '')}`, started: true })),
    qosClass: 'BestEffort',
  };
}

/** The status the recorded cluster's scheduler wrote on pods it could not place (no schedulable node). */
export function unschedulableStatus(pod: KObject, now: Date): Record<string, unknown> {
  const status = { ...((pod.status ?? {}) as Record<string, unknown>) };
  status.phase = 'Pending';
  status.conditions = [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: kubeTime(now), reason: 'Unschedulable', message: '0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..' }];
  status.qosClass = status.qosClass ?? 'BestEffort';
  return { phase: status.phase, conditions: status.conditions, qosClass: status.qosClass };
}

/**
 * Sets phases: in mode `run` pods become Running after creation; in mode `unschedulable` they stay Pending with
 * PodScheduled=False (like the recorded cluster). setPhase() pins another phase.
 */
export class KubeletSim {
  private readonly store: Store;
  private readonly objects: ObjectService;
  private readonly podType: ResourceType;
  private readonly now: () => Date;
  private counter = 0;
  private unsubscribe: (() => void) | undefined;
  private readonly mode: 'run' | 'unschedulable';

  constructor(store: Store, objects: ObjectService, podType: ResourceType, now: () => Date, mode: 'run' | 'unschedulable' = 'run') {
    this.mode = mode;
    this.store = store;
    this.objects = objects;
    this.podType = podType;
    this.now = now;
  }

  /** Starts following pod creations. */
  start(): void {
    this.unsubscribe = this.store.subscribe((ev) => {
      if (ev.key !== '/pods' || ev.type !== 'ADDED') return;
      const { namespace, name } = ev.entry;
      const uid = ev.entry.fields.$uid;
      const run = (): void => void this.startPod(namespace, name, uid).catch(() => undefined);
      // The recorded scheduler needed some milliseconds; a started pod is reported at once.
      if (this.mode === 'run') queueMicrotask(run);
      else setTimeout(run, 50).unref();
    });
  }

  /** Stops following. */
  stop(): void {
    this.unsubscribe?.();
  }

  private async startPod(ns: string, name: string, uid: unknown): Promise<void> {
    const e = this.store.get('/pods', ns, name);
    if (!e || e.fields.$uid !== uid || e.fields.$deleting) return;
    const pod = await this.objects.read(this.podType, ns, name);
    if ((pod.status as { phase?: string } | undefined)?.phase !== 'Pending') return;
    pod.status = this.mode === 'run' ? runningStatus(pod, this.now(), ++this.counter) : unschedulableStatus(pod, this.now());
    await this.objects.update(this.podType, ns, name, pod, 'status');
  }

  /** Sets a pod's phase (Running keeps Ready conditions; others mark it not ready). */
  async setPhase(ns: string, name: string, phase: string): Promise<void> {
    const pod = await this.objects.read(this.podType, ns, name);
    const status = (pod.status ?? {}) as Record<string, unknown>;
    if (phase === 'Running' && status.phase !== 'Running') Object.assign(status, runningStatus(pod, this.now(), ++this.counter));
    status.phase = phase;
    if (phase !== 'Running' && Array.isArray(status.conditions)) {
      status.conditions = (status.conditions as Record<string, unknown>[]).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c));
      if (Array.isArray(status.containerStatuses)) status.containerStatuses = (status.containerStatuses as Record<string, unknown>[]).map((c) => ({ ...c, ready: false }));
    }
    pod.status = status;
    await this.objects.update(this.podType, ns, name, pod, 'status');
  }
}
