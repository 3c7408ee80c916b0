/** The kubeconfig and environment that point kubectl and helm at one test cluster. */
import type { TlsClientOptions } from './net.js';

/** Certificates are embedded, so the file stands alone; the admin is in group system:masters. */
export function kubeconfigYaml(apiUrl: string, tls: TlsClientOptions): string {
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: netpol-guard-e2e
  cluster:
    server: ${apiUrl}
    certificate-authority-data: ${b64(tls.ca)}
users:
- name: admin
  user:
    client-certificate-data: ${b64(tls.cert)}
    client-key-data: ${b64(tls.key)}
contexts:
- name: netpol-guard-e2e
  context:
    cluster: netpol-guard-e2e
    user: admin
    namespace: default
current-context: netpol-guard-e2e
`;
}

/** The caller's environment minus settings that would point kubectl or helm at another cluster. */
export function toolEnv(base: NodeJS.ProcessEnv, own: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (!/^(KUBECONFIG|HELM_KUBE.*|HELM_NAMESPACE)$/.test(k)) env[k] = v;
  }
  return { ...env, ...own };
}
