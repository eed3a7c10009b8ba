import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { imageEnvironment } from './environment';

// The Kubernetes manifests in k8s/, parsed into the models of the kubernetes-models package.

// js-yaml 3 ships no types; these are the functions the tests need.
const { load: loadYaml, loadAll } = require('js-yaml') as { load: (text: string) => unknown; loadAll: (text: string) => unknown[] };

export const K8S = path.join(__dirname, '..', '..', 'k8s');

/** The model classes of the API groups the manifests use, by apiVersion and kind. */
const MODELS: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'policy/v1': policy,
  'networking.k8s.io/v1': networking,
};

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}
export type Model = Manifest & { validate(): void };

/** The model instance of one parsed object; throws when the package has no model for its kind. */
export function model(object: Manifest): Model {
  const Class = MODELS[object.apiVersion]?.[object.kind] as (new (data: unknown) => Model) | undefined;
  if (!Class) throw new Error(`no Kubernetes model for ${object.apiVersion} ${object.kind} (${object.metadata?.name})`);
  return new Class(object);
}

function readManifests(file: string): Manifest[] {
  return loadAll(readFileSync(path.join(K8S, file), 'utf8')).filter(Boolean) as Manifest[];
}

export const kustomization = loadYaml(readFileSync(path.join(K8S, 'kustomization.yaml'), 'utf8')) as {
  namespace: string;
  resources: string[];
};
/** Every object `kubectl apply -k k8s/` creates. */
export const objects = kustomization.resources.flatMap(readManifests);
/** The Secret the operator fills in and applies by hand. */
export const secretTemplate = readManifests('secret.example.yaml')[0] as unknown as core.Secret;

export function find<T>(Class: { kind: string }, name: string): T {
  const found = objects.find((o) => o.kind === Class.kind && o.metadata.name === name);
  if (!found) throw new Error(`k8s/ has no ${Class.kind} named ${name}`);
  return model(found) as unknown as T;
}
export const deployment = (name: string) => find<apps.Deployment>(apps.Deployment, name);
export const service = (name: string) => find<core.Service>(core.Service, name);
export const container = (name: string) => deployment(name).spec!.template.spec!.containers[0]!;

/** The test value of the signing key: what an operator puts in place of the placeholder. */
export const TEST_SIGNING_KEY = 'ab'.repeat(32);

/** A Secret value as an operator fills it in: placeholders replaced, the signing key a real key. */
function filledSecret(key: string): string {
  const value = secretTemplate.stringData?.[key];
  if (value === undefined) throw new Error(`secret.example.yaml has no key ${key}`);
  return key === 'caller-signing-key' ? TEST_SIGNING_KEY : value.replace(/<[^>]+>/g, 'filled-in-secret-1');
}

/** A container's environment as its process sees it: the image's ENV, the ConfigMaps it imports, then its own env. */
export function processEnv(name: string): NodeJS.ProcessEnv {
  const c = container(name);
  const env: NodeJS.ProcessEnv = { ...imageEnvironment() };
  for (const source of c.envFrom ?? []) Object.assign(env, find<core.ConfigMap>(core.ConfigMap, source.configMapRef!.name!).data);
  for (const variable of c.env ?? []) {
    const secretKey = variable.valueFrom?.secretKeyRef?.key;
    env[variable.name] = secretKey ? filledSecret(secretKey) : variable.value;
  }
  return env;
}

/** How long Kubernetes lets a stopping pod run: its preStop pause and its grace period, in ms. */
export function stopBudget(name: string): { pauseMs: number; graceMs: number } {
  const pause = Number(container(name).lifecycle?.preStop?.exec?.command?.[1] ?? 0);
  return { pauseMs: pause * 1000, graceMs: deployment(name).spec!.template.spec!.terminationGracePeriodSeconds! * 1000 };
}

/** How long the startup probe waits for a process before restarting it, in ms. */
export function startupBudgetMs(name: string): number {
  const probe = container(name).startupProbe!;
  return (probe.periodSeconds ?? 10) * (probe.failureThreshold ?? 3) * 1000;
}
