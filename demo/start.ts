/**
 * `npm start`, the one-command quick start: with a cluster at hand (in-cluster service account,
 * KUBECONFIG or ~/.kube/config) the operator against it, exactly as the image runs it; with none,
 * the demo (demo/index.ts) on the embedded API server with the operator against that. In a pod
 * (`KUBERNETES_SERVICE_HOST` set) there is always a cluster: never the demo.
 */
import { detectFromProcess } from '../operator/src/kube/connect.ts';
import { connectToConfiguredCluster, runOperatorProcess } from '../operator/src/run.ts';
import type { RunConnection, RunContext } from '../operator/src/run.ts';
import { startDemo } from './index.ts';

/** The three commands a newcomer can try once the demo runs, and the live view's URL. */
function demoCommands(kubeconfigPath: string, metricsPort: number | undefined): { kubectl: string; metrics: string; stop: string; view: string } {
  return {
    view: `http://localhost:${metricsPort ?? 9000}/`,
    kubectl: `kubectl --kubeconfig ${kubeconfigPath} get cmc,pods -n demo`,
    metrics: `curl -s http://localhost:${metricsPort ?? 9000}/metrics | grep ^chaos_monkey`,
    stop: 'press Ctrl-C (SIGINT) to stop the operator and the demo',
  };
}

const source = detectFromProcess();
let kubeconfigPath: string | undefined;

async function connectToDemo({ config, log }: RunContext): Promise<RunConnection> {
  const demo = await startDemo({ log: log.child({ component: 'demo' }), operatorNamespace: config.namespace });
  kubeconfigPath = demo.kubeconfigPath;
  log.info(`no cluster found: running the demo on the embedded API server at ${demo.url}, kubeconfig written to ${demo.kubeconfigPath}`, {
    url: demo.url,
    kubeconfig: demo.kubeconfigPath,
  });
  return { connection: demo.connection, stop: demo.stop };
}

runOperatorProcess({
  connect: (context) => (source.kind === 'none' ? connectToDemo(context) : connectToConfiguredCluster(context, source)),
  onStarted: ({ log, logFormat, httpPort }) => {
    if (kubeconfigPath === undefined) return;
    const commands = demoCommands(kubeconfigPath, httpPort);
    if (logFormat === 'text') {
      process.stdout.write(`\nThe demo is running; chaos follows, one line per action. Try:\n  ${commands.kubectl}\n  ${commands.metrics}\n  ${commands.stop}\nLive view (refreshes every 5 s): ${commands.view}\n\n`);
    } else {
      log.info('demo ready', { try: [commands.kubectl, commands.metrics], stop: commands.stop, liveView: commands.view });
    }
  },
});
