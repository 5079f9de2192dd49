/**
 * The image's entry point (Dockerfile CMD): the operator against the cluster of the in-cluster
 * service account, KUBECONFIG or ~/.kube/config; with none, or in a pod whose service-account
 * credentials are unusable, it exits 1 saying why. Nothing imports this file.
 */
import { runOperatorProcess } from './run.ts';

runOperatorProcess();
