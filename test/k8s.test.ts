import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import type * as core from 'kubernetes-models/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import { loadGatewayConfig, parseShutdownGrace } from '../gateway/config';
import { loadSecurityConfig } from '../gateway/security/config';
import { loadLiveConfig } from '../gateway/subscriptions';
import { DEFAULT_CHANGE_CHANNEL } from '../platform/change-bus';
import { SYSTEM_NAMES, SYSTEMS, systemPort, type SystemName } from '../platform/systems';
import { loadSubgraphConfig } from '../subgraphs/kit/config';
import { GATEWAY_LOADERS, isPerSystemOverride, isReadByCode, subgraphLoaders, variablesRead } from './support/environment';
import {
  container,
  deployment,
  find,
  K8S,
  kustomization,
  model,
  objects,
  processEnv,
  secretTemplate,
  service,
  stopBudget,
  TEST_SIGNING_KEY,
  type Manifest,
} from './support/manifests';

const ROOT = path.join(__dirname, '..');

/** Variables the configuration modules read that production leaves unset on purpose. */
/** The gateway's live heartbeat (WebSocket ping, SSE comment), in seconds: docs/subscriptions.md. */
const LIVE_HEARTBEAT_S = 12;
/** How long the gateway waits for a WebSocket peer to answer its close before cutting it, when stopping (live-server.ts). */
const WEBSOCKET_CLOSE_WAIT_MS = 2_000;

const LEFT_UNSET: Record<string, string> = {
  DATA_DIR: 'holds the development issuer and signing key; production takes both from the issuer and the Secret',
  OIDC_JWKS_FILE: 'a key file for offline development; production fetches the issuer keys',
};

describe('k8s/: the production topology across many hosts', () => {
  it('is valid against the Kubernetes object schemas (kubernetes-models), every object and the Secret template', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const object of [...objects, secretTemplate as unknown as Manifest]) {
      expect(() => model(object).validate()).not.toThrow();
    }
    // The validation is real: a field of the wrong type or a missing required field is refused.
    const broken = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'Deployment'))) as apps.IDeployment;
    broken.spec!.template.spec!.containers[0]!.ports![0]!.containerPort = '4000' as unknown as number;
    expect(() => model(broken as Manifest).validate()).toThrow(/containerPort must be integer/);
    expect(() => model({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} } as Manifest).validate()).toThrow(
      /selector/,
    );
  });

  it('lists every manifest in kustomization.yaml, in the plantgraph namespace', () => {
    expect(kustomization.namespace).toBe('plantgraph');
    const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && f !== 'secret.example.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('plantgraph');
    for (const object of objects) expect(object.metadata.namespace ?? 'plantgraph').toBe('plantgraph');
    // The template is applied by hand, so it names the namespace itself; apply -k never deploys its placeholders.
    expect(secretTemplate.metadata!.namespace).toBe('plantgraph');
    for (const value of Object.values(secretTemplate.stringData!)) expect(value).toMatch(/<[^>]+>/);
  });

  it('runs a Deployment and a Service per system, on its registry port, with its own database', () => {
    for (const system of SYSTEM_NAMES) {
      expect(container(system).command).toEqual(['node', `dist/subgraphs/${system}/index.js`]);
      const config = loadSubgraphConfig(system, processEnv(system));
      expect(config.port).toBe(systemPort(4000, system));
      expect(config.host).toBe('0.0.0.0');
      const db = new URL(config.databaseUrl);
      expect(db.hostname).toBe('postgres');
      expect(db.pathname).toBe(`/plantgraph_${system}`);
      // Replicas of a system share the nonces of caller headers, or a header replays to another replica.
      expect(config.redisUrl).toBe('redis://redis:6379');
      // Systems of engagement relay their commands to the systems of record through the gateway's Service.
      if (SYSTEMS[system].kind === 'engagement')
        expect(config.gatewayUrl).toBe(`http://gateway:${service('gateway').spec!.ports![0]!.port}/graphql`);
      else expect(config.gatewayUrl).toBeUndefined();
      expect(container(system).ports!.map((p) => p.containerPort)).toEqual([config.port]);
      const s = service(system);
      expect(s.spec!.ports!.map((p) => p.port)).toEqual([config.port]);
      expect(deployment(system).spec!.template.metadata!.labels).toMatchObject(s.spec!.selector!);
    }
  });

  it('runs the gateway on 2+ replicas under a CPU autoscaler and a disruption budget, reaching subgraphs by Service name', () => {
    const env = processEnv('gateway');
    expect(container('gateway').command).toEqual(['node', 'dist/gateway/main.js']);
    const config = loadGatewayConfig(env);
    for (const system of SYSTEM_NAMES) {
      const url = new URL(config.subgraphUrls[system]!);
      expect(service(url.hostname).spec!.ports![0]!.port).toBe(Number(url.port));
    }
    expect(existsSync(path.resolve(ROOT, env.SUPERGRAPH_PATH!))).toBe(true);
    // Production refuses to start without an issuer and a signing key: both are provided.
    expect(loadSecurityConfig(env)).toMatchObject({
      production: true,
      mode: 'jwt',
      callerKey: TEST_SIGNING_KEY,
      redisUrl: 'redis://redis:6379',
    });

    const gateway = deployment('gateway');
    const hpa = find<autoscaling.HorizontalPodAutoscaler>(autoscaling.HorizontalPodAutoscaler, 'gateway');
    expect(hpa.spec!.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    expect(hpa.spec!.minReplicas).toBeGreaterThanOrEqual(2);
    expect(gateway.spec!.replicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec!.metrics!.map((m) => m.resource?.name)).toEqual(['cpu']);
    // Utilization is a share of the request: without a CPU request the autoscaler cannot act.
    expect(container('gateway').resources!.requests!.cpu).toBeDefined();

    const pdb = find<policy.PodDisruptionBudget>(policy.PodDisruptionBudget, 'gateway');
    expect(gateway.spec!.template.metadata!.labels).toMatchObject(pdb.spec!.selector!.matchLabels!);
    expect(Number(pdb.spec!.minAvailable)).toBeGreaterThanOrEqual(1);
    expect(Number(pdb.spec!.minAvailable)).toBeLessThan(hpa.spec!.minReplicas!);

    // Metrics and readiness details are on the ops listener, which no Service publishes.
    expect(config.ops?.port).toBeGreaterThan(0);
    const published = objects
      .filter((o) => o.kind === 'Service')
      .flatMap((o) => (model(o) as unknown as core.Service).spec!.ports!.map((p) => p.port));
    expect(published).not.toContain(config.ops!.port);
    expect(service('gateway').spec!.ports!.map((p) => p.port)).toEqual([config.port]);
  });

  it('reaches PostgreSQL and Redis as external services', () => {
    expect(service('postgres').spec).toMatchObject({ type: 'ExternalName', ports: [{ port: 5432 }] });
    expect(service('redis').spec).toMatchObject({ type: 'ExternalName', ports: [{ port: 6379 }] });
  });

  it('probes /ready for readiness and /health for liveness on each process port, and outlasts its drain when stopping', () => {
    for (const name of ['gateway', ...SYSTEM_NAMES]) {
      const c = container(name);
      const portNumber = (port: number | string) =>
        typeof port === 'number' ? port : c.ports!.find((p) => p.name === port)!.containerPort;
      const port = Number(processEnv(name).PORT);
      expect([c.readinessProbe?.httpGet?.path, portNumber(c.readinessProbe!.httpGet!.port)]).toEqual(['/ready', port]);
      expect([c.livenessProbe?.httpGet?.path, portNumber(c.livenessProbe!.httpGet!.port)]).toEqual(['/health', port]);
      expect([c.startupProbe?.httpGet?.path, portNumber(c.startupProbe!.httpGet!.port)]).toEqual(['/health', port]);
      // Kubernetes kills the pod after the grace period: it must cover the preStop pause and the drain.
      // The gateway drains requests in flight for SHUTDOWN_GRACE_MS; a subgraph closes at once.
      const { pauseMs, graceMs } = stopBudget(name);
      const drainMs = name === 'gateway' ? parseShutdownGrace(processEnv(name)) : 0;
      expect(graceMs).toBeGreaterThan(pauseMs + drainMs);
    }
  });

  it("ends live subscriptions and drains requests within the gateway's grace period, its replicas listening where the systems publish", () => {
    const env = processEnv('gateway');
    const { pauseMs, graceMs } = stopBudget('gateway');
    // On SIGTERM the gateway completes every subscription, closes each WebSocket (cutting a silent
    // peer after WEBSOCKET_CLOSE_WAIT_MS), then drains requests in flight for SHUTDOWN_GRACE_MS.
    expect(graceMs).toBeGreaterThan(pauseMs + WEBSOCKET_CLOSE_WAIT_MS + parseShutdownGrace(env));
    const live = loadLiveConfig(env);
    expect(live.redisUrl).toBe('redis://redis:6379');
    for (const system of SYSTEM_NAMES) {
      const subgraph = processEnv(system);
      expect(subgraph.REDIS_URL).toBe(live.redisUrl);
      expect(subgraph.CHANGE_EVENTS_CHANNEL || DEFAULT_CHANGE_CHANNEL).toBe(live.channel);
    }
  });

  it('exposes the gateway through an Ingress that carries WebSocket upgrades and unbuffered SSE, with no session affinity', () => {
    const ingress = find<networking.Ingress>(networking.Ingress, 'gateway');
    const annotations = ingress.metadata!.annotations ?? {};
    expect(ingress.spec!.ingressClassName).toBe('nginx');
    // One path for everything the gateway serves: /graphql's upgrades and streams go where its queries go.
    const paths = ingress.spec!.rules!.flatMap((rule) => rule.http!.paths);
    expect(paths).toHaveLength(1);
    expect(paths[0]).toMatchObject({ path: '/', pathType: 'Prefix' });
    const backend = paths[0]!.backend.service!;
    expect(backend.name).toBe('gateway');
    const port = service('gateway').spec!.ports!.find((p) => p.name === backend.port!.name || p.port === backend.port!.number);
    expect(port?.port).toBe(Number(processEnv('gateway').PORT));
    // A quiet stream must outlast the proxy's wait for a byte: heartbeats come every 12 s.
    for (const timeout of ['proxy-read-timeout', 'proxy-send-timeout']) {
      expect(Number(annotations[`nginx.ingress.kubernetes.io/${timeout}`])).toBeGreaterThanOrEqual(10 * LIVE_HEARTBEAT_S);
    }
    expect(annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(annotations['nginx.ingress.kubernetes.io/proxy-http-version']).toBe('1.1');
    // TLS for every host it serves (https:// and wss://).
    expect(ingress.spec!.tls!.flatMap((t) => t.hosts ?? []).sort()).toEqual(ingress.spec!.rules!.map((r) => r.host).sort());
    // Any replica serves any live connection: each SSE subscription is one request, each WebSocket one connection.
    expect(Object.keys(annotations).filter((name) => /affinity|upstream-hash-by/.test(name))).toEqual([]);
    expect(service('gateway').spec!.sessionAffinity ?? 'None').toBe('None');
  });

  it('runs every process as a non-root user on a read-only root filesystem, with resource requests and a memory limit', () => {
    for (const name of ['gateway', ...SYSTEM_NAMES]) {
      const pod = deployment(name).spec!.template.spec!;
      // The image's user is `node`; a numeric id lets the kubelet verify runAsNonRoot.
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      const c = container(name);
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(c.resources?.limits?.memory).toBeDefined();
      expect(c.image).toBe('plantgraph:latest');
    }
  });

  it('takes the signing key, the ops token and the database URLs from the Secret, whose template has every key', () => {
    for (const name of ['gateway', ...SYSTEM_NAMES]) {
      const c = container(name);
      for (const variable of c.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name).toBe(secretTemplate.metadata!.name);
        expect(Object.keys(secretTemplate.stringData!)).toContain(ref.key);
      }
      const fromSecret = (c.env ?? []).filter((v) => v.valueFrom?.secretKeyRef).map((v) => v.name);
      expect(fromSecret).toContain('CALLER_SIGNING_KEY');
      expect(fromSecret).toContain(name === 'gateway' ? 'GATEWAY_DATABASE_URL' : 'DATABASE_URL');
    }
    // Nothing secret sits in a ConfigMap: no key, token or password, no URL with credentials.
    for (const object of objects.filter((o) => o.kind === 'ConfigMap')) {
      for (const [key, value] of Object.entries((object as unknown as core.ConfigMap).data ?? {})) {
        expect(key).not.toMatch(/(^|_)(KEY|TOKEN|PASSWORD|SECRET)$/);
        expect(value).not.toMatch(/:\/\/[^/@\s]*:[^/@\s]*@/);
      }
    }
  });

  it('provides every variable the configuration modules read, and only variables the code reads', () => {
    const processes = [
      { name: 'gateway', loaders: [...GATEWAY_LOADERS, loadLiveConfig] },
      ...SYSTEM_NAMES.map((system) => ({ name: system, loaders: subgraphLoaders(system) })),
    ];
    for (const { name, loaders } of processes) {
      const env = processEnv(name);
      // A system of record relays no commands, so it has no gateway to name.
      const unneeded = (v: string) => v === 'GATEWAY_URL' && SYSTEMS[name as SystemName]?.kind === 'record';
      const missing = [...variablesRead(loaders, env)].filter(
        (v) => !(v in env) && !LEFT_UNSET[v] && !isPerSystemOverride(v) && !unneeded(v),
      );
      expect(missing.map((v) => `${name}: ${v} is read by the code but not set in k8s/`)).toEqual([]);
      const unknown = Object.keys(env).filter((v) => !isReadByCode(v));
      expect(unknown.map((v) => `${name}: ${v} is read nowhere in the code`)).toEqual([]);
    }
  });

  it('keeps subgraph ports private: only gateway pods may connect to a subgraph', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => model(o) as unknown as networking.NetworkPolicy);
    const gatewayLabels = deployment('gateway').spec!.template.metadata!.labels!;
    const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
      Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
    for (const system of SYSTEM_NAMES) {
      const labels = deployment(system).spec!.template.metadata!.labels!;
      const applying = policies.filter((p) => matches(p.spec!.podSelector.matchLabels, labels));
      expect(applying.length).toBeGreaterThan(0);
      const port = systemPort(4000, system);
      for (const p of applying) {
        expect(p.spec!.policyTypes).toContain('Ingress');
        for (const rule of p.spec!.ingress ?? []) {
          // Every peer is a pod selector that matches the gateway (no namespaces, no IP blocks).
          for (const peer of rule.from ?? []) {
            expect(peer.ipBlock ?? peer.namespaceSelector).toBeUndefined();
            expect(matches(peer.podSelector?.matchLabels, gatewayLabels)).toBe(true);
            expect(matches(peer.podSelector?.matchLabels, labels)).toBe(false);
          }
          expect(rule.from?.length).toBeGreaterThan(0);
        }
      }
      const admitted = applying.flatMap((p) => p.spec!.ingress ?? []).flatMap((r) => r.ports ?? []);
      expect(admitted.some((r) => Number(r.port) <= port && port <= (r.endPort ?? Number(r.port)))).toBe(true);
    }
  });

  it('runs commands that exist in the build output', () => {
    for (const name of ['gateway', ...SYSTEM_NAMES]) {
      const script = container(name).command![1]!;
      const source = script.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(existsSync(path.join(ROOT, source)) ? source : `${source} is missing`).toBe(source);
      expect(existsSync(path.join(ROOT, script)) ? script : `${script} is not in the build output (npm run build)`).toBe(script);
    }
  });
});
