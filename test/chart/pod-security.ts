/**
 * A checker for the Kubernetes "restricted" Pod Security Standard (which includes "baseline"),
 * as of the latest policy version: https://kubernetes.io/docs/concepts/security/pod-security-standards/
 * Each check mirrors one control of the standard and reports the field path that breaks it.
 * Windows-only and annotation-era controls (AppArmor annotations) are included where they apply
 * to a Linux pod spec.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Capabilities baseline allows adding; restricted allows only NET_BIND_SERVICE. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

interface NamedContainer {
  path: string;
  c: Obj;
}

function containersOf(spec: Obj): NamedContainer[] {
  const out: NamedContainer[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    ((spec[field] as Obj[] | undefined) ?? []).forEach((c, i) => out.push({ path: `spec.${field}[${i}]`, c }));
  }
  return out;
}

/** Violations of the restricted standard in a pod spec (a template's `spec`); empty when it complies. */
export function restrictedViolations(spec: Obj, podAnnotations: Record<string, string> = {}): string[] {
  const v: string[] = [];
  const psc: Obj = spec.securityContext ?? {};
  const containers = containersOf(spec);

  // --- baseline ---
  if (psc.windowsOptions?.hostProcess === true) v.push('spec.securityContext.windowsOptions.hostProcess must not be true');
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) v.push(`spec.${f} must not be true`);
  ((spec.volumes as Obj[] | undefined) ?? []).forEach((vol, i) => {
    if (vol.hostPath !== undefined) v.push(`spec.volumes[${i}].hostPath is not allowed`);
  });
  for (const [key, value] of Object.entries(podAnnotations)) {
    if (key.startsWith('container.apparmor.security.beta.kubernetes.io/') && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      v.push(`metadata.annotations[${key}] must be runtime/default or localhost/*`);
    }
  }
  const checkAppArmor = (sc: Obj | undefined, path: string) => {
    const t = sc?.appArmorProfile?.type;
    if (t !== undefined && t !== 'RuntimeDefault' && t !== 'Localhost') v.push(`${path}.appArmorProfile.type must be RuntimeDefault or Localhost`);
  };
  const checkSeLinux = (sc: Obj | undefined, path: string) => {
    const se = sc?.seLinuxOptions;
    if (!se) return;
    if (!SELINUX_TYPES.has(se.type ?? '')) v.push(`${path}.seLinuxOptions.type ${se.type} is not allowed`);
    if (se.user) v.push(`${path}.seLinuxOptions.user must not be set`);
    if (se.role) v.push(`${path}.seLinuxOptions.role must not be set`);
  };
  checkAppArmor(psc, 'spec.securityContext');
  checkSeLinux(psc, 'spec.securityContext');
  ((psc.sysctls as Obj[] | undefined) ?? []).forEach((s, i) => {
    if (!SAFE_SYSCTLS.has(s.name)) v.push(`spec.securityContext.sysctls[${i}] ${s.name} is not a safe sysctl`);
  });
  for (const { path, c } of containers) {
    const sc: Obj | undefined = c.securityContext;
    if (sc?.privileged === true) v.push(`${path}.securityContext.privileged must not be true`);
    if (sc?.windowsOptions?.hostProcess === true) v.push(`${path}.securityContext.windowsOptions.hostProcess must not be true`);
    for (const add of (sc?.capabilities?.add as string[] | undefined) ?? []) {
      if (!BASELINE_CAPABILITIES.has(add)) v.push(`${path}.securityContext.capabilities.add ${add} is not allowed`);
    }
    ((c.ports as Obj[] | undefined) ?? []).forEach((p, i) => {
      if (p.hostPort !== undefined && p.hostPort !== 0) v.push(`${path}.ports[${i}].hostPort must be unset or 0`);
    });
    checkAppArmor(sc, `${path}.securityContext`);
    checkSeLinux(sc, `${path}.securityContext`);
    if (sc?.procMount !== undefined && sc.procMount !== 'Default') v.push(`${path}.securityContext.procMount must be Default`);
  }
  const seccompOk = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
  if (psc.seccompProfile?.type !== undefined && !seccompOk(psc.seccompProfile.type)) {
    v.push('spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost');
  }

  // --- restricted ---
  ((spec.volumes as Obj[] | undefined) ?? []).forEach((vol, i) => {
    const types = Object.keys(vol).filter((k) => k !== 'name');
    for (const t of types) if (!RESTRICTED_VOLUME_TYPES.has(t)) v.push(`spec.volumes[${i}] type ${t} is not allowed`);
  });
  if (psc.runAsUser === 0) v.push('spec.securityContext.runAsUser must not be 0');
  for (const { path, c } of containers) {
    const sc: Obj = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) v.push(`${path}.securityContext.allowPrivilegeEscalation must be false`);
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && psc.runAsNonRoot !== true)) {
      v.push(`${path}.securityContext.runAsNonRoot must be true (here or in spec.securityContext)`);
    }
    if (sc.runAsUser === 0) v.push(`${path}.securityContext.runAsUser must not be 0`);
    const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
    if (!seccompOk(seccomp)) v.push(`${path}.securityContext.seccompProfile.type must be RuntimeDefault or Localhost (here or in spec.securityContext)`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) v.push(`${path}.securityContext.capabilities.drop must include ALL`);
    for (const add of (sc.capabilities?.add as string[] | undefined) ?? []) {
      if (add !== 'NET_BIND_SERVICE') v.push(`${path}.securityContext.capabilities.add may only hold NET_BIND_SERVICE, not ${add}`);
    }
  }
  return v;
}
