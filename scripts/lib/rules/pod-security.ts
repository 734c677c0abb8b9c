/**
 * Pod Security Standards, checked on every pod a release runs (built-in pod templates and the pods
 * operators create from known custom resources). The package declares the profile its pods meet:
 * `restricted` (the default) applies every rule here, `baseline` the baseline rules, `privileged`
 * none, and only platform packages may declare it, with a written justification.
 * Field semantics follow the upstream policy definitions (k8s.io/pod-security-admission).
 */
import type { PodSecurityProfile } from '../../../constructs/package';
import type { ContainerView, PodView } from '../../../constructs/validation/pod-templates';
import { list, obj, perPod, type CheckSubject, type Json, type Rule, type Violation } from './rule';
import { isPlainObject } from '../../../constructs/util/json';

type Level = 'baseline' | 'restricted';

function applies(level: Level, profile: PodSecurityProfile): boolean {
  return profile === 'restricted' || (profile === 'baseline' && level === 'baseline');
}

/** A rule of one Pod Security level, checked per pod when the package's profile includes the level. */
function podRule(level: Level, check: (pod: PodView, subject: CheckSubject) => Iterable<Violation>): Rule['check'] {
  return perPod(function* (pod, _render, subject) {
    if (applies(level, subject.pkg.podSecurity)) yield* check(pod, subject);
  });
}

function securityContext(c: ContainerView): Json {
  return obj(c.spec.securityContext);
}

function podSecurityContext(pod: PodView): Json {
  return obj(pod.spec.securityContext);
}

const label = (pod: PodView, c?: ContainerView) => (c ? `container ${c.name} of the ${pod.description}` : `the ${pod.description}`);

/** Capabilities baseline allows adding (the container runtime's defaults). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

export const POD_SECURITY_RULES: readonly Rule[] = [
  {
    id: 'pod-security.profile-justified',
    rationale: 'A profile weaker than restricted must be a written, reviewable decision, and privileged only for platform agents (CNI, storage, virtualization).',
    fix: 'Keep podSecurity: restricted; otherwise set podSecurityJustification, and declare privileged only in platform packages.',
    *check(subject) {
      const { podSecurity, podSecurityJustification, kind } = subject.pkg;
      if (podSecurity === 'restricted') return;
      if (!podSecurityJustification || podSecurityJustification.trim().length < 20) {
        yield { object: 'Chart.yaml', path: 'annotations["hearth.dev/pod-security"]', message: `declares ${podSecurity} without a written justification (podSecurityJustification)` };
      }
      if (podSecurity === 'privileged' && kind !== 'platform') {
        yield { object: 'Chart.yaml', path: 'annotations["hearth.dev/pod-security"]', message: `declares privileged, but only platform packages may (this one is ${kind})` };
      }
    },
  },
  {
    id: 'pod-security.host-namespaces',
    rationale: 'hostNetwork, hostPID and hostIPC let a pod see and reach the node and every other pod on it (baseline).',
    fix: 'Remove hostNetwork/hostPID/hostIPC (or set them false).',
    check: podRule('baseline', function* (pod) {
      for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod.spec[f] === true) yield { path: `${pod.at.spec}.${f}`, message: `${label(pod)} sets ${f}: true` };
    }),
  },
  {
    id: 'pod-security.privileged',
    rationale: 'A privileged container (or a Windows host process) has full access to the node (baseline).',
    fix: 'Remove securityContext.privileged and windowsOptions.hostProcess.',
    check: podRule('baseline', function* (pod) {
      if (obj(podSecurityContext(pod).windowsOptions).hostProcess === true) yield { path: `${pod.at.securityContext}.windowsOptions.hostProcess`, message: `${label(pod)} runs as a Windows host process` };
      for (const c of pod.containers) {
        const sc = securityContext(c);
        if (sc.privileged === true) yield { path: `${c.at.securityContext}.privileged`, message: `${label(pod, c)} is privileged` };
        if (obj(sc.windowsOptions).hostProcess === true) yield { path: `${c.at.securityContext}.windowsOptions.hostProcess`, message: `${label(pod, c)} runs as a Windows host process` };
      }
    }),
  },
  {
    id: 'pod-security.capabilities',
    rationale: 'Linux capabilities are root powers; restricted pods drop ALL and may add back only NET_BIND_SERVICE (baseline: only the runtime defaults).',
    fix: 'Set securityContext.capabilities.drop: [ALL] on every container and add nothing but NET_BIND_SERVICE.',
    check: podRule('baseline', function* (pod, subject) {
      const restricted = subject.pkg.podSecurity === 'restricted';
      for (const c of pod.containers) {
        const caps = obj(securityContext(c).capabilities);
        const added = (Array.isArray(caps.add) ? caps.add : []).map(String);
        const allowed = (cap: string) => (restricted ? cap === 'NET_BIND_SERVICE' : BASELINE_CAPABILITIES.has(cap));
        for (const cap of added) if (!allowed(cap)) yield { path: `${c.at.securityContext}.capabilities.add`, message: `${label(pod, c)} adds ${cap}` };
        if (restricted && !(Array.isArray(caps.drop) && caps.drop.map(String).includes('ALL'))) {
          yield { path: `${c.at.securityContext}.capabilities.drop`, message: `${label(pod, c)} does not drop ALL capabilities` };
        }
      }
    }),
  },
  {
    id: 'pod-security.host-path',
    rationale: 'hostPath volumes expose the node\'s file system to the pod (baseline).',
    fix: 'Use a persistentVolumeClaim, emptyDir, configMap or secret volume instead.',
    check: podRule('baseline', function* (pod) {
      for (const [i, v] of list(pod.spec.volumes).entries()) {
        if (v.hostPath !== undefined) yield { path: `${pod.at.spec}.volumes[${i}].hostPath`, message: `${label(pod)} mounts the host path ${JSON.stringify(obj(v.hostPath).path)}` };
      }
    }),
  },
  {
    id: 'pod-security.host-ports',
    rationale: 'A hostPort binds on the node\'s address, bypassing Services and network policies (baseline).',
    fix: 'Remove hostPort; expose the port through a Service.',
    check: podRule('baseline', function* (pod) {
      for (const c of pod.containers) {
        for (const [i, p] of list(c.spec.ports).entries()) {
          if (p.hostPort !== undefined && p.hostPort !== 0) yield { path: `${c.at.ports}[${i}].hostPort`, message: `${label(pod, c)} binds host port ${String(p.hostPort)}` };
        }
      }
    }),
  },
  {
    id: 'pod-security.apparmor',
    rationale: 'An Unconfined AppArmor profile removes the runtime\'s default confinement (baseline).',
    fix: 'Leave appArmorProfile unset or use RuntimeDefault / Localhost.',
    check: podRule('baseline', function* (pod) {
      const bad = (sc: Json) => isPlainObject(sc.appArmorProfile) && !['RuntimeDefault', 'Localhost'].includes(String(sc.appArmorProfile.type));
      if (bad(podSecurityContext(pod))) yield { path: `${pod.at.securityContext}.appArmorProfile.type`, message: `${label(pod)} is not confined by AppArmor` };
      for (const c of pod.containers) if (bad(securityContext(c))) yield { path: `${c.at.securityContext}.appArmorProfile.type`, message: `${label(pod, c)} is not confined by AppArmor` };
      // The annotation form older clusters read: container.apparmor.security.beta.kubernetes.io/<container>.
      for (const [k, v] of Object.entries(pod.annotations ?? {})) {
        if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !v.startsWith('localhost/')) {
          yield { path: `${pod.at.labels.replace(/labels$/, 'annotations')}["${k}"]`, message: `${label(pod)} sets the AppArmor profile ${v}` };
        }
      }
    }),
  },
  {
    id: 'pod-security.selinux',
    rationale: 'Custom SELinux users, roles or types can lift the container\'s confinement (baseline).',
    fix: 'Leave seLinuxOptions unset, or set only level and a container_* type.',
    check: podRule('baseline', function* (pod) {
      const check = function* (sc: Json, path: string, who: string): Generator<Violation> {
        const o = obj(sc.seLinuxOptions);
        if (o.type !== undefined && !SELINUX_TYPES.has(String(o.type))) yield { path: `${path}.seLinuxOptions.type`, message: `${who} sets SELinux type ${String(o.type)}` };
        for (const f of ['user', 'role']) if (o[f] !== undefined && o[f] !== '') yield { path: `${path}.seLinuxOptions.${f}`, message: `${who} sets SELinux ${f}` };
      };
      yield* check(podSecurityContext(pod), pod.at.securityContext, label(pod));
      for (const c of pod.containers) yield* check(securityContext(c), c.at.securityContext, label(pod, c));
    }),
  },
  {
    id: 'pod-security.proc-mount',
    rationale: 'An Unmasked /proc exposes kernel interfaces the runtime normally hides (baseline).',
    fix: 'Leave securityContext.procMount unset (Default).',
    check: podRule('baseline', function* (pod) {
      for (const c of pod.containers) {
        const m = securityContext(c).procMount;
        if (m !== undefined && m !== 'Default') yield { path: `${c.at.securityContext}.procMount`, message: `${label(pod, c)} mounts /proc ${String(m)}` };
      }
    }),
  },
  {
    id: 'pod-security.sysctls',
    rationale: 'Only namespaced, safe sysctls may be set by a pod; others change the whole node (baseline).',
    fix: 'Remove sysctls outside the safe set (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, ...).',
    check: podRule('baseline', function* (pod) {
      for (const [i, s] of list(podSecurityContext(pod).sysctls).entries()) {
        if (!SAFE_SYSCTLS.has(String(s.name))) yield { path: `${pod.at.securityContext}.sysctls[${i}].name`, message: `${label(pod)} sets the unsafe sysctl ${String(s.name)}` };
      }
    }),
  },
  {
    id: 'pod-security.seccomp',
    rationale: 'Seccomp filters the system calls a container may make; restricted requires RuntimeDefault or Localhost (baseline forbids Unconfined).',
    fix: 'Set securityContext.seccompProfile.type: RuntimeDefault at pod level (or on every container).',
    check: podRule('baseline', function* (pod, subject) {
      const type = (sc: Json) => (isPlainObject(sc.seccompProfile) ? String(sc.seccompProfile.type) : undefined);
      const podType = type(podSecurityContext(pod));
      if (podType === 'Unconfined') yield { path: `${pod.at.securityContext}.seccompProfile.type`, message: `${label(pod)} runs Unconfined` };
      for (const c of pod.containers) {
        const t = type(securityContext(c));
        if (t === 'Unconfined') yield { path: `${c.at.securityContext}.seccompProfile.type`, message: `${label(pod, c)} runs Unconfined` };
        else if (subject.pkg.podSecurity === 'restricted' && !SECCOMP_OK.has(t ?? podType ?? '')) {
          yield { path: `${c.at.securityContext}.seccompProfile.type`, message: `${label(pod, c)} has no RuntimeDefault or Localhost seccomp profile (neither its own nor the pod's)` };
        }
      }
    }),
  },
  {
    id: 'pod-security.volume-types',
    rationale: 'Restricted pods may only mount configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes.',
    fix: 'Replace other volume types (nfs, iscsi, hostPath, ...) with a persistentVolumeClaim.',
    check: podRule('restricted', function* (pod) {
      for (const [i, v] of list(pod.spec.volumes).entries()) {
        const sources = Object.keys(v).filter((k) => k !== 'name');
        for (const s of sources) if (!RESTRICTED_VOLUMES.has(s)) yield { path: `${pod.at.spec}.volumes[${i}].${s}`, message: `${label(pod)} mounts a ${s} volume` };
      }
    }),
  },
  {
    id: 'pod-security.allow-privilege-escalation',
    rationale: 'Without allowPrivilegeEscalation: false a process can gain more privileges than its parent (setuid binaries).',
    fix: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
    check: podRule('restricted', function* (pod) {
      for (const c of pod.containers) {
        if (securityContext(c).allowPrivilegeEscalation !== false) yield { path: `${c.at.securityContext}.allowPrivilegeEscalation`, message: `${label(pod, c)} does not set allowPrivilegeEscalation: false` };
      }
    }),
  },
  {
    id: 'pod-security.run-as-non-root',
    rationale: 'Containers running as root turn any container escape into root on the node.',
    fix: 'Set securityContext.runAsNonRoot: true at pod level (and never false on a container).',
    check: podRule('restricted', function* (pod) {
      const podLevel = podSecurityContext(pod).runAsNonRoot;
      for (const c of pod.containers) {
        const own = securityContext(c).runAsNonRoot;
        if (own === false || (own !== true && podLevel !== true)) yield { path: `${c.at.securityContext}.runAsNonRoot`, message: `${label(pod, c)} may run as root (runAsNonRoot is not true)` };
      }
    }),
  },
  {
    id: 'pod-security.run-as-user',
    rationale: 'runAsUser: 0 runs the container as root whatever runAsNonRoot says in the image.',
    fix: 'Set runAsUser to the image\'s non-root uid (never 0).',
    check: podRule('restricted', function* (pod) {
      if (podSecurityContext(pod).runAsUser === 0) yield { path: `${pod.at.securityContext}.runAsUser`, message: `${label(pod)} runs as uid 0` };
      for (const c of pod.containers) if (securityContext(c).runAsUser === 0) yield { path: `${c.at.securityContext}.runAsUser`, message: `${label(pod, c)} runs as uid 0` };
    }),
  },
];
